namespace FFActors.Core.Kernels;

/// <summary>Runs every chunk on the calling thread, in order: the runner of plain Core training and of sequential mode.</summary>
public sealed class InlineChunks : IChunkRunner
{
    public static InlineChunks Instance { get; } = new();

    InlineChunks() { }

    public void Run(int count, Action<int> chunk)
    {
        for (int i = 0; i < count; i++) chunk(i);
    }
}
