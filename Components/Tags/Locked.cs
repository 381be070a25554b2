namespace HmmEcs.Components.Tags;

/// <summary>The page lock (<c>PG_locked</c>): an enableable tag, a bit per page in its chunk.</summary>
public struct Locked;
