using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Kernel;

/// <summary>Receives the pages of a range read without faulting (verify, inspect), in address order.</summary>
internal interface IPageViewSink
{
    void Take(long index, in PageView view);
}
