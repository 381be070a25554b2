namespace HmmEcs.Engine;

/// <summary>A struct callback over 1 component(s); pass it by ref to an inline query.</summary>
public interface IForEach<T0>
{
    /// <summary>Called once per selected row.</summary>
    void Update(ref T0 c0);
}

/// <summary>A struct callback over 2 component(s); pass it by ref to an inline query.</summary>
public interface IForEach<T0, T1>
{
    /// <summary>Called once per selected row.</summary>
    void Update(ref T0 c0, ref T1 c1);
}

/// <summary>A struct callback over 3 component(s); pass it by ref to an inline query.</summary>
public interface IForEach<T0, T1, T2>
{
    /// <summary>Called once per selected row.</summary>
    void Update(ref T0 c0, ref T1 c1, ref T2 c2);
}

/// <summary>A struct callback over 4 component(s); pass it by ref to an inline query.</summary>
public interface IForEach<T0, T1, T2, T3>
{
    /// <summary>Called once per selected row.</summary>
    void Update(ref T0 c0, ref T1 c1, ref T2 c2, ref T3 c3);
}
