namespace HmmEcs.Components.Tags;

/// <summary>Device-private memory the CPU cannot map: an archetype tag fixed at creation.</summary>
public struct Unaddressable;
