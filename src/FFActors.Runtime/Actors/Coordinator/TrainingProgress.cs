using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// How far the current epoch has got, from the layers' step reports as they pass the supervisor: each layer steps its
/// batches in order, so its last reported batch is its progress. A failure report says it, so a reader of run.log knows
/// how much the restore replays.
/// </summary>
internal sealed class TrainingProgress(int layers)
{
    readonly int[] next = new int[layers];
    int generation = -1, epoch = -1;

    public void Record(Stamp stamp, int layer, int currentGeneration)
    {
        if (stamp.Generation != currentGeneration || layer < 0 || layer >= next.Length) return;
        if (stamp.Generation != generation || stamp.Epoch != epoch)
        {
            (generation, epoch) = (stamp.Generation, stamp.Epoch);
            Array.Clear(next);
        }
        next[layer] = Math.Max(next[layer], stamp.Batch + 1);
    }

    /// <summary>" (epoch E: N batches completed, M stepped by layer 0)" for the current generation, or nothing before its first report.</summary>
    public string Describe(int currentGeneration) => generation == currentGeneration && epoch >= 0
        ? $" (epoch {epoch + 1}: {next.Min()} batches completed, {next[0]} stepped by layer 0)"
        : "";
}
