namespace HmmEcs.Engine;

/// <summary>A command buffer's values of one component type, and how to apply a command on it.</summary>
internal abstract class ComponentStore(int index)
{
    public int Index { get; } = index;

    public abstract void Apply(World world, CommandKind kind, Entity e, int value);

    public abstract void Clear();
}

/// <summary>Typed value storage: values stay unboxed until playback writes them into the world.</summary>
internal sealed class ComponentStore<T>(int index) : ComponentStore(index) where T : struct
{
    private T[] _values = new T[16];
    private int _count;

    public int Push(in T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _count * 2);
        }
        _values[_count] = value;
        return _count++;
    }

    public override void Apply(World world, CommandKind kind, Entity e, int value)
    {
        switch (kind)
        {
            case CommandKind.Add:
                world.Add(e, _values[value]);
                break;
            case CommandKind.Set:
                world.Set(e, _values[value]);
                break;
            case CommandKind.Remove:
                world.Remove<T>(e);
                break;
        }
    }

    public override void Clear()
    {
        Array.Clear(_values, 0, _count);
        _count = 0;
    }
}
