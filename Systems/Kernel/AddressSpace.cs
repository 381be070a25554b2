namespace HmmEcs.Systems.Kernel;

/// <summary>A process's address space: its VMAs in creation order (names are resolved by the machine's front layer).</summary>
internal sealed class AddressSpace(int id, string name)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public List<VmaInfo> Vmas { get; } = [];
}
