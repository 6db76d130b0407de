using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// How far the current epoch has got, from the layers' step reports as they pass the supervisor. A layer steps its
/// batches in order, so its first batch not yet reported is its progress, unless a batch never reached it: then the
/// reports go on past the gap, and the gap is what the run waits for. A failure report says the progress, so a reader of
/// run.log knows how much the restore replays; a stall report says the gaps.
/// </summary>
internal sealed class TrainingProgress(int layers)
{
    /// <summary>Per layer: its first batch not reported, one past its highest reported, and those reported beyond the first gap.</summary>
    readonly int[] next = new int[layers], reached = new int[layers];
    readonly HashSet<int>[] ahead = Enumerable.Range(0, layers).Select(_ => new HashSet<int>()).ToArray();
    int generation = -1, epoch = -1;

    public void Record(Stamp stamp, int layer, int currentGeneration)
    {
        if (stamp.Generation != currentGeneration || layer < 0 || layer >= next.Length) return;
        if (stamp.Generation != generation || stamp.Epoch != epoch) Restart(stamp.Generation, stamp.Epoch, 0);
        reached[layer] = Math.Max(reached[layer], stamp.Batch + 1);
        if (stamp.Batch != next[layer])
        {
            if (stamp.Batch > next[layer]) ahead[layer].Add(stamp.Batch);
            return;
        }
        next[layer]++;
        while (ahead[layer].Remove(next[layer])) next[layer]++;
    }

    /// <summary>" (epoch E: N batches completed, M stepped by layer 0)" for the current generation, or nothing before its first report.</summary>
    public string Describe(int currentGeneration) => Started(currentGeneration)
        ? $" (epoch {epoch + 1}: {next.Min()} batches completed, {next[0]} stepped by layer 0)"
        : "";

    /// <summary>The batches of the current epoch that a layer has not reported though it reported later ones, e.g.
    /// "layer 1 has not stepped batch 5 (it stepped up to batch 12)"; empty when there is no such gap. A layer that lacks
    /// the batch the layer below lacks too is not named: it never had it to step.</summary>
    public IEnumerable<string> Gaps(int currentGeneration)
    {
        if (!Started(currentGeneration)) yield break;
        for (int l = 0; l < next.Length; l++)
            if (reached[l] > next[l] && (l == 0 || next[l - 1] > next[l]))
                yield return $"layer {l} has not stepped batch {next[l]} of epoch {epoch + 1} (it stepped up to batch {reached[l] - 1})";
    }

    /// <summary>Generation <paramref name="gen"/> starts at batch <paramref name="batch"/> of 0-based epoch <paramref name="e"/>
    /// (a restore or a resume, or the next epoch from its start).</summary>
    public void Restart(int gen, int e, int batch)
    {
        (generation, epoch) = (gen, e);
        Array.Fill(next, batch);
        Array.Fill(reached, batch);
        foreach (var set in ahead) set.Clear();
    }

    bool Started(int currentGeneration) => generation == currentGeneration && epoch >= 0;
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
