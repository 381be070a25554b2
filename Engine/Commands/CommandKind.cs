namespace HmmEcs.Engine;

/// <summary>What a recorded command does.</summary>
internal enum CommandKind : byte
{
    Create,
    Destroy,
    Add,
    Set,
    Remove,
}
