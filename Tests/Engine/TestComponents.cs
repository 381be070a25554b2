namespace HmmEcs.Tests.Engine;

public record struct Position(long X, long Y);

public record struct Velocity(long Dx, long Dy);

public record struct Health(int Value);

public record struct Name(string Text);

public struct Frozen;

public struct Marked;

public struct Migrate;

public struct Locked;
