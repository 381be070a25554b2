namespace HmmEcs.Components.Tags;

/// <summary>A ZONE_DEVICE page or device chunk: an archetype tag fixed at creation.</summary>
public struct Device;
