using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// Per-sample goodness of every layer from the last time each training sample was seen, for the
/// <see cref="GammaExchange.Stale"/> collaboration exchange. Reads come from the previous epoch's
/// table (zero in the first epoch); writes go to the current epoch's; <see cref="EndEpoch"/> swaps.
/// Negatives are indexed by the dataset index of the image they were made from.
/// </summary>
public sealed class StaleGoodnessTable : IDisposable
{
    Tensor readPos, readNeg, writePos, writeNeg;

    public int Samples { get; }
    public int Layers { get; }

    public StaleGoodnessTable(int samples, int layers, Device? device = null)
    {
        Samples = samples;
        Layers = layers;
        readPos = zeros([samples, layers], device: device).DetachFromDisposeScope();
        readNeg = zeros([samples, layers], device: device).DetachFromDisposeScope();
        writePos = zeros([samples, layers], device: device).DetachFromDisposeScope();
        writeNeg = zeros([samples, layers], device: device).DetachFromDisposeScope();
    }

    /// <summary>s·γ [L, B] for positives and negatives of the batch with dataset indices <paramref name="indices"/>.</summary>
    public (Tensor Positive, Tensor Negative) Gammas(Tensor indices, CollaborationOptions options)
    {
        using var scope = NewDisposeScope();
        var p = readPos.index_select(0, indices);
        var n = readNeg.index_select(0, indices);
        var gp = Enumerable.Range(0, Layers).Select(k => p.select(1, k)).ToArray();
        var gn = Enumerable.Range(0, Layers).Select(k => n.select(1, k)).ToArray();
        return scope.MoveToOuter(Collaboration.ScaledGammas(gp, options), Collaboration.ScaledGammas(gn, options));
    }

    /// <summary>Stores layer <paramref name="layer"/>'s goodness [B] for the samples <paramref name="indices"/>.</summary>
    public void Record(Tensor indices, int layer, Tensor goodPos, Tensor goodNeg)
    {
        using var scope = NewDisposeScope();
        writePos.select(1, layer).index_copy_(0, indices, goodPos);
        writeNeg.select(1, layer).index_copy_(0, indices, goodNeg);
    }

    /// <summary>The epoch's writes become the next epoch's reads.</summary>
    public void EndEpoch()
    {
        (readPos, writePos) = (writePos, readPos);
        (readNeg, writeNeg) = (writeNeg, readNeg);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(Samples);
        w.Write(Layers);
        foreach (var t in new[] { readPos, readNeg, writePos, writeNeg })
        {
            using var scope = NewDisposeScope();
            var bytes = t.cpu().contiguous().bytes;
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    public void Load(BinaryReader r)
    {
        int samples = r.ReadInt32(), layers = r.ReadInt32();
        if (samples != Samples || layers != Layers)
            throw new InvalidDataException($"stale goodness table is {samples}x{layers}, expected {Samples}x{Layers}");
        foreach (var t in new[] { readPos, readNeg, writePos, writeNeg })
        {
            var bytes = r.ReadBytes(r.ReadInt32());
            if (bytes.Length != Samples * Layers * sizeof(float)) throw new InvalidDataException("stale goodness table: truncated");
            using var src = tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(), [Samples, Layers]);
            using (no_grad()) t.copy_(src);
        }
    }

    public void CopyFrom(StaleGoodnessTable other)
    {
        using (no_grad())
        {
            readPos.copy_(other.readPos);
            readNeg.copy_(other.readNeg);
            writePos.copy_(other.writePos);
            writeNeg.copy_(other.writeNeg);
        }
    }

    public void Dispose()
    {
        readPos.Dispose();
        readNeg.Dispose();
        writePos.Dispose();
        writeNeg.Dispose();
    }
}
