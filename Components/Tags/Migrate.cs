namespace HmmEcs.Components.Tags;

/// <summary>The page is in flight in a migration: an enableable tag, a bit per page in its chunk.</summary>
public struct Migrate;
