using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class SystemGroupTests
{
    private sealed class Recorder(World world, string name, List<string> log) : BaseSystem<int>(world)
    {
        public override void Initialize() => log.Add($"{name}.init");

        public override void BeforeUpdate(in int state) => log.Add($"{name}.before{state}");

        public override void Update(in int state) => log.Add($"{name}.update{state}");

        public override void AfterUpdate(in int state) => log.Add($"{name}.after{state}");

        public override void Dispose()
        {
            log.Add($"{name}.dispose");
            base.Dispose();
        }
    }

    [Fact]
    public void GroupRunsMembersInOrderAndNests()
    {
        using var world = new World();
        var log = new List<string>();
        var inner = new SystemGroup<int>("inner", new Recorder(world, "b", log));
        var group = new SystemGroup<int>("outer", new Recorder(world, "a", log), inner).Add(new Recorder(world, "c", log));
        Assert.Equal(3, group.Systems.Count);
        Assert.Same(world, ((BaseSystem<int>)group.Systems[0]).World);
        group.Initialize();
        group.Run(7);
        group.Dispose();
        Assert.Equal(
            ["a.init", "b.init", "c.init",
             "a.before7", "b.before7", "c.before7",
             "a.update7", "b.update7", "c.update7",
             "a.after7", "b.after7", "c.after7",
             "c.dispose", "b.dispose", "a.dispose"],
            log);
    }
}
