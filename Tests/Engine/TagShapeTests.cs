using System.Runtime.InteropServices;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>
/// Whether a component is a tag (no column) is read from its layout, not by reflecting over its fields, so that the
/// Native AOT tool sees the same shapes as the JIT (issue 10).
/// </summary>
public class TagShapeTests
{
    private record struct Flag(bool On);

    private struct OneByte
    {
        public byte Value;
    }

    private record struct RecordTag;

    [StructLayout(LayoutKind.Sequential, Size = 8)]
    private struct PaddedEmpty;

    [Fact]
    public void StructsWithoutFieldsAreTags()
    {
        Assert.True(TypeNumber<Frozen>.IsZeroSize);
        Assert.True(TypeNumber<RecordTag>.IsZeroSize);
        Assert.Equal(0, TypeNumber<Frozen>.Size);
    }

    [Fact]
    public void OneByteComponentsKeepAColumn()
    {
        Assert.False(TypeNumber<Flag>.IsZeroSize);
        Assert.False(TypeNumber<OneByte>.IsZeroSize);
        Assert.Equal(1, TypeNumber<Flag>.Size);
        Assert.Equal(1, TypeNumber<OneByte>.Size);

        using var world = new World();
        var a = world.Create(new Flag(true), new OneByte { Value = 7 });
        var b = world.Create(new Flag(false), new OneByte { Value = 9 });
        Assert.True(world.Get<Flag>(a).On);
        Assert.False(world.Get<Flag>(b).On);
        Assert.Equal(7, world.Get<OneByte>(a).Value);
        Assert.Equal(9, world.Get<OneByte>(b).Value);
    }

    [Fact]
    public void AnExplicitlySizedEmptyStructHasAColumn()
    {
        Assert.False(TypeNumber<PaddedEmpty>.IsZeroSize);
        Assert.Equal(8, TypeNumber<PaddedEmpty>.Size);
    }

    [Fact]
    public void TheSimulatorsTagsAreTags()
    {
        Assert.True(TypeNumber<HmmEcs.Components.Tags.Locked>.IsZeroSize);
        Assert.True(TypeNumber<HmmEcs.Components.Tags.Migrate>.IsZeroSize);
        Assert.True(TypeNumber<HmmEcs.Components.Tags.Device>.IsZeroSize);
        Assert.True(TypeNumber<HmmEcs.Components.Tags.Unaddressable>.IsZeroSize);
    }
}
