using HmmEcs.Systems.Workload;

namespace HmmEcs.Tests.Workload;

/// <summary>The workload runner's sort of page numbers gives what the runtime's sort gives, on every shape of input.</summary>
public sealed class LongSortTests
{
    public static TheoryData<string> Shapes => ["random", "few-values", "sorted", "reversed", "equal", "organ-pipe", "sawtooth"];

    private static long[] Make(string shape, int n, Random r) => shape switch
    {
        "random" => [.. Enumerable.Range(0, n).Select(_ => r.NextInt64(long.MinValue, long.MaxValue))],
        "few-values" => [.. Enumerable.Range(0, n).Select(_ => (long)r.Next(4))],
        "sorted" => [.. Enumerable.Range(0, n).Select(i => (long)i * 3)],
        "reversed" => [.. Enumerable.Range(0, n).Select(i => (long)(n - i))],
        "equal" => [.. Enumerable.Repeat(7L, n)],
        "organ-pipe" => [.. Enumerable.Range(0, n).Select(i => (long)Math.Min(i, n - i))],
        _ => [.. Enumerable.Range(0, n).Select(i => (long)(i % 17))],
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SortsAsTheRuntimeDoes(string shape)
    {
        var r = new Random(shape.Length);
        foreach (var n in new[] { 0, 1, 2, 3, 15, 16, 17, 100, 1000, 4097 })
        {
            var keys = Make(shape, n, r);
            var expected = keys.ToArray();
            Array.Sort(expected);
            LongSort.Ascending(keys);
            Assert.Equal(expected, keys);
            var heap = Make(shape, n, r);
            var heapExpected = heap.ToArray();
            Array.Sort(heapExpected);
            LongSort.HeapSort(heap);
            Assert.Equal(heapExpected, heap);
        }
    }
}
