namespace HmmEcs.Systems.Kernel;

/// <summary>A process's address space: its VMAs by name, in creation order.</summary>
internal sealed class AddressSpace(int id, string name)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public List<VmaInfo> Vmas { get; } = [];

    public VmaInfo Find(string vma)
    {
        foreach (var v in Vmas)
        {
            if (v.Name == vma)
            {
                return v;
            }
        }
        throw new ArgumentException($"process '{Name}' has no VMA '{vma}'");
    }
}
