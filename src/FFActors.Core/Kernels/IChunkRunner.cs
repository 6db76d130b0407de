namespace FFActors.Core.Kernels;

/// <summary>
/// Runs the chunks of one computation (<see cref="Layers.GemmChunks"/>): each chunk writes its own part of
/// a result, so chunks may run in any order and on any thread with the same intra-op thread count, and the
/// result is the same bits. A layer's math asks a runner for its matmuls; a pipeline lends it idle threads.
/// </summary>
public interface IChunkRunner
{
    /// <summary>Runs <paramref name="chunk"/>(0 … <paramref name="count"/> − 1), each once, and returns when all are done.</summary>
    void Run(int count, Action<int> chunk);
}
