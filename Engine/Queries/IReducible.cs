namespace HmmEcs.Engine;

/// <summary>A job whose per-worker copies fold back into one after a parallel query.</summary>
public interface IReducible<TJob>
{
    /// <summary>Folds the results of <paramref name="other"/> (another worker's copy) into this job.</summary>
    void Merge(ref TJob other);
}
