using FFActors.Core.Platform;
using FFActors.Core.Data;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>Goodness scoring of a dataset: gathers each batch's per-label goodness of every score layer and counts the hits.</summary>
internal sealed class ScoreTally(Dataset data, int[] layers, int batchSize, int passes, int classes, bool competitive) : IDisposable
{
    readonly Dictionary<int, (Tensor?[,] Goodness, int Count)> pending = new();
    readonly int batches = (data.Count + batchSize - 1) / batchSize;
    int batchesDone;
    long correct;

    public int[] Layers => layers;
    public int Passes => passes;

    /// <summary>Takes one layer's goodness; true once every batch is scored (then see <see cref="Accuracy"/>).</summary>
    public bool Take(ScoreGoodness g)
    {
        int slot = Array.IndexOf(layers, g.Layer);
        int pass = competitive ? 0 : g.Label;
        int b = g.Stamp.Batch;
        if (slot < 0 || pass < 0 || pass >= passes || b < 0 || b >= batches)
        {
            g.Dispose();
            return false;
        }
        if (!pending.TryGetValue(b, out var entry)) entry = (new Tensor?[passes, layers.Length], 0);
        if (entry.Goodness[pass, slot] is not null)
        {
            g.Dispose();
            return false;
        }
        entry.Goodness[pass, slot] = g.Goodness;
        entry.Count++;
        pending[b] = entry;
        if (entry.Count < passes * layers.Length) return false;

        // Same arithmetic as GoodnessScorer: per label, zeros + goodness of each score layer in order.
        using (var scope = NewDisposeScope())
        {
            int start = b * batchSize, len = Math.Min(batchSize, data.Count - start);
            var y = data.Labels.narrow(0, start, len);
            if (competitive)
            {
                // CwC/HFF: zeros + the class-score matrix of each score layer in order.
                var sum = zeros([len, classes], device: data.Device);
                for (int k = 0; k < layers.Length; k++) sum = sum.add(entry.Goodness[0, k]!, KeptScalars.One);
                correct += sum.argmax(1).eq(y).sum().item<long>();
            }
            else
            {
                var columns = new Tensor[passes];
                for (int c = 0; c < passes; c++)
                {
                    var total = zeros([len], device: data.Device);
                    for (int k = 0; k < layers.Length; k++) total = total.add(entry.Goodness[c, k]!, KeptScalars.One);
                    columns[c] = total;
                }
                correct += stack(columns, 1).argmax(1).eq(y).sum().item<long>();
            }
        }
        foreach (var t in entry.Goodness) t?.Dispose();
        pending.Remove(b);
        return ++batchesDone == batches;
    }

    public double Accuracy => (double)correct / data.Count;

    public void Dispose()
    {
        foreach (var (g, _) in pending.Values)
            foreach (var t in g) t?.Dispose();
        pending.Clear();
    }
}

/// <summary>Softmax-head features of one split: joins each batch's layer parts and hands the batches on in order.</summary>
internal sealed class FeatureJoin(int[] layers, int batches, bool test) : IDisposable
{
    readonly Dictionary<int, Tensor?[]> parts = new();
    int flushed;

    public bool Test => test;

    /// <summary>Takes one layer's features; calls <paramref name="send"/> for each batch now complete in order; true when all are sent.</summary>
    public bool Take(LayerFeatures m, Action<int, Tensor> send)
    {
        int slot = Array.IndexOf(layers, m.Layer);
        int b = m.Stamp.Batch;
        if (slot < 0 || b < flushed || b >= batches)
        {
            m.Dispose();
            return false;
        }
        if (!parts.TryGetValue(b, out var p)) parts[b] = p = new Tensor?[layers.Length];
        if (p[slot] is not null)
        {
            m.Dispose();
            return false;
        }
        p[slot] = m.Features;
        while (parts.TryGetValue(flushed, out var q) && q.All(t => t is not null))
        {
            using (var scope = NewDisposeScope()) send(flushed, cat(q!, 1).DetachFromDisposeScope());
            foreach (var t in q) t!.Dispose();
            parts.Remove(flushed);
            flushed++;
        }
        return flushed == batches;
    }

    public void Dispose()
    {
        foreach (var p in parts.Values)
            foreach (var t in p) t?.Dispose();
        parts.Clear();
    }
}
