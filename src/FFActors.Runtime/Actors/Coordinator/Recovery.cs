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

/// <summary>
/// How often the run may be restored from one checkpoint: a layer that fails again and again from the same
/// state would otherwise replay forever. Restoring from a newer checkpoint starts a new count.
/// </summary>
internal sealed class RecoveryBudget(int perCheckpoint)
{
    string? at;
    int used;

    public int PerCheckpoint => perCheckpoint;

    /// <summary>Counts a restore from <paramref name="checkpointId"/> (null: the initial state); false once the budget is spent.</summary>
    public bool TryRestore(string? checkpointId)
    {
        string key = checkpointId ?? "initial";
        used = at == key ? used + 1 : 1;
        at = key;
        return used <= perCheckpoint;
    }
}
