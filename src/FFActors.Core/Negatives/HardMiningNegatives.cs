using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Hard-mined class-confusion negatives. Each anchor i gets the image of another class that the
/// current network finds most confusing: the candidate j with y_j ≠ y_i and the highest goodness
/// under label y_i. The negative is image j with label y_i. No candidate is used twice in a batch.
/// Candidates are assigned greedily: the highest-scoring free (anchor, candidate) pair first, then
/// the next, and so on. Candidates are the batch's images plus, with <c>bankSize</c> &gt; 0, the
/// last <c>bankSize</c> images of earlier batches (a FIFO memory bank, rescored with the current
/// network every batch).
/// </summary>
/// <remarks>
/// The seed's hard mining produced only 64 unique negatives. Here uniqueness holds for every row
/// as long as enough other-class candidates exist. Fallbacks (<see cref="LastReused"/> and
/// <see cref="LastFallbacks"/> count them): when an anchor's class has run out of unused
/// candidates, the anchor reuses its best candidate; when the pool holds no image of another class
/// at all, the row is a wrong-label negative. Scoring costs C forward passes over batch + bank.
/// The strategy keeps state (the bank), so one instance serves one run.
/// </remarks>
public sealed class HardMiningNegatives : INegativeStrategy, IStatefulNegatives, IDisposable
{
    readonly LabelOverlay overlay;
    Tensor? bankImages, bankLabels;

    public HardMiningNegatives(LabelOverlay overlay, int bankSize = 0)
    {
        if (bankSize < 0) throw new ArgumentOutOfRangeException(nameof(bankSize), "hard-mining: bank must be ≥ 0");
        this.overlay = overlay;
        BankSize = bankSize;
    }

    public string Name => "hard-mining";
    public bool NeedsModel => true;
    public int BankSize { get; }
    /// <summary>Images currently in the memory bank.</summary>
    public long BankCount => bankImages?.shape[0] ?? 0;
    /// <summary>Rows of the last batch that had to reuse a candidate.</summary>
    public int LastReused { get; private set; }
    /// <summary>Rows of the last batch that fell back to a wrong-label negative.</summary>
    public int LastFallbacks { get; private set; }

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    /// <summary>The negatives and, per row, the index of its image in the candidate pool (batch rows first, then the bank, oldest first); −1 for a fallback row.</summary>
    public (Tensor Negatives, int[] Candidates) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        var model = batch.RequireModel(Name);
        var pinned = Sampling.Pinned(overlay, batch.Images);
        Tensor negatives;
        int[] chosen;
        using (var scope = NewDisposeScope())
        {
            var images = batch.Images;
            var labels = batch.Labels;
            if (bankImages is not null && bankImages.device != images.device) // a bank loaded from a checkpoint lands on the CPU
            {
                var (bi, bl) = (bankImages, bankLabels!);
                bankImages = bi.to(images.device).DetachFromDisposeScope();
                bankLabels = bl.to(images.device).DetachFromDisposeScope();
                bi.Dispose();
                bl.Dispose();
            }
            var pool = bankImages is null ? images : cat([images, bankImages], 0);
            var poolLabels = bankLabels is null ? labels : cat([labels, bankLabels], 0);
            var scores = model.Scores(pool, pinned).to(ScalarType.Float32).cpu().contiguous();
            chosen = Assign(Longs(labels), Longs(poolLabels), scores.data<float>().ToArray(), overlay.Classes, out int reused);
            LastReused = reused;
            LastFallbacks = chosen.Count(j => j < 0);

            var wrong = WrongLabelNegatives.SampleWrongLabels(labels, overlay.Classes, generator);
            var index = tensor(chosen.Select((j, i) => (long)(j < 0 ? i : j)).ToArray(), device: images.device);
            var fallback = tensor(chosen.Select(j => j < 0).ToArray(), device: images.device);
            negatives = pinned.Apply(pool.index_select(0, index), where(fallback, wrong, labels)).MoveToOuterDisposeScope();
        }
        Remember(batch.Images, batch.Labels);
        return (negatives, chosen);
    }

    void Remember(Tensor images, Tensor labels)
    {
        if (BankSize == 0) return;
        using var scope = NewDisposeScope();
        var all = bankImages is null ? images : cat([bankImages, images], 0);
        var allLabels = bankLabels is null ? labels : cat([bankLabels, labels], 0);
        long n = all.shape[0], keep = Math.Min(n, BankSize);
        var newImages = all.narrow(0, n - keep, keep).detach().clone();
        var newLabels = allLabels.narrow(0, n - keep, keep).detach().clone();
        bankImages?.Dispose();
        bankLabels?.Dispose();
        bankImages = newImages.DetachFromDisposeScope();
        bankLabels = newLabels.DetachFromDisposeScope();
    }

    /// <summary>
    /// Greedy unique assignment. <paramref name="scores"/> is the row-major [N, C] goodness of every
    /// candidate under every label. Anchor i may take candidate j when the candidate's label is not
    /// y_i, and the pair's score is scores[j, y_i]. Returns the candidate of each anchor, or −1.
    /// Anchors of one class see identical scores, so the global greedy runs as a merge of one sorted
    /// candidate list per class: O(N log N · C + B · C).
    /// </summary>
    public static int[] Assign(long[] anchorLabels, long[] candidateLabels, float[] scores, int classes, out int reused)
    {
        int b = anchorLabels.Length, n = candidateLabels.Length;
        if (scores.Length != (long)n * classes) throw new ArgumentException("hard-mining: scores must be [candidates, classes]");
        var anchors = new List<int>[classes];
        var lists = new int[classes][];
        for (int c = 0; c < classes; c++) anchors[c] = [];
        for (int i = 0; i < b; i++) anchors[anchorLabels[i]].Add(i);
        for (int c = 0; c < classes; c++)
        {
            if (anchors[c].Count == 0) { lists[c] = []; continue; }
            int cc = c;
            var list = Enumerable.Range(0, n).Where(j => candidateLabels[j] != cc).ToArray();
            Array.Sort(list, (p, q) =>
            {
                int byScore = scores[(long)q * classes + cc].CompareTo(scores[(long)p * classes + cc]);
                return byScore != 0 ? byScore : p.CompareTo(q);
            });
            lists[c] = list;
        }

        var result = Enumerable.Repeat(-1, b).ToArray();
        var used = new bool[n];
        var next = new int[classes];     // next anchor of class c to serve
        var pointer = new int[classes];  // position in lists[c] of the best candidate not yet checked
        for (int assigned = 0; assigned < b; assigned++)
        {
            int bestClass = -1;
            float bestScore = 0;
            for (int c = 0; c < classes; c++)
            {
                if (next[c] >= anchors[c].Count) continue;
                var list = lists[c];
                while (pointer[c] < list.Length && used[list[pointer[c]]]) pointer[c]++;
                if (pointer[c] >= list.Length) continue;
                float s = scores[(long)list[pointer[c]] * classes + c];
                if (bestClass < 0 || s > bestScore) (bestClass, bestScore) = (c, s);
            }
            if (bestClass < 0) break;
            int j = lists[bestClass][pointer[bestClass]];
            used[j] = true;
            result[anchors[bestClass][next[bestClass]++]] = j;
        }

        reused = 0;
        for (int c = 0; c < classes; c++)
            for (; next[c] < anchors[c].Count; next[c]++)
                if (lists[c].Length > 0)
                {
                    result[anchors[c][next[c]]] = lists[c][0];
                    reused++;
                }
        return result;
    }

    static long[] Longs(Tensor t) => t.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();

    /// <summary>The memory bank (images and labels), so a resumed run mines from the images it had seen.</summary>
    public void SaveState(BinaryWriter w)
    {
        NegativeStreamState.Write(w, bankImages);
        NegativeStreamState.Write(w, bankLabels);
    }

    public void LoadState(BinaryReader r)
    {
        Dispose();
        bankImages = NegativeStreamState.Read(r, CPU);
        bankLabels = NegativeStreamState.Read(r, CPU);
    }

    public void Dispose()
    {
        bankImages?.Dispose();
        bankLabels?.Dispose();
        bankImages = bankLabels = null;
    }
}
