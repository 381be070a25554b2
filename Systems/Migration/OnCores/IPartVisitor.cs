namespace HmmEcs.Systems.Migration;

/// <summary>
/// A phase's per-page work that can run on one part of the pages in flight beside other threads' copies
/// (<see cref="MigratingPagesOnCores{TVisitor}"/>): everything it adds up goes to its <see cref="PartTally"/>, and it
/// writes no state that another page's visit writes, except through atomic stores.
/// </summary>
internal interface IPartVisitor<TSelf> : IMigratingPageVisitor
    where TSelf : IPartVisitor<TSelf>, allows ref struct
{
    /// <summary>A visitor for one part (or, with a serial tally, for the whole call) that adds up into <paramref name="tally"/>.</summary>
    static abstract TSelf Create(MigrateState s, ref PartTally tally);

    /// <summary>Stores what the visitor gathered (cursor words, frame words): called once its pages are visited.</summary>
    void Flush();
}
