using FFActors.Core.Training;

namespace FFActors.Runtime.Checkpoints;

/// <summary>
/// The coordinator's part of a checkpoint: everything besides the layers that decides how training
/// continues from the boundary before batch <see cref="Batch"/> of epoch <see cref="Epoch"/>: the
/// data-order generator's state at the start of that epoch (the epoch's permutation is drawn again
/// from it), the negative generator's state at the boundary, the stale-γ table, the epoch's
/// statistics so far and the finished epochs' metrics.
/// </summary>
public sealed record RunSnapshot(
    int Epoch,
    int Batch,
    string? CheckpointId,
    string Fingerprint,
    byte[] OrderState,
    byte[] NegativeState,
    StatsSums Sums,
    double ElapsedSeconds,
    IReadOnlyList<EpochMetrics> Metrics,
    byte[]? StaleTable)
{
    public const string FileName = "coordinator.bin";
    const int Magic = 0x52434646; // "FFCR"
    const int Version = 1;

    /// <summary>The id of the checkpoint at the boundary before batch <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    public static string IdAt(int epoch, int batch) => $"e{epoch:D4}-b{batch:D6}";

    public string Describe() => CheckpointId is null
        ? $"the initial state (epoch {Epoch + 1}, batch {Batch})"
        : $"checkpoint {CheckpointId} (epoch {Epoch + 1}, batch {Batch})";

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(Epoch);
            w.Write(Batch);
            w.Write(CheckpointId ?? "");
            w.Write(Fingerprint);
            WriteBytes(w, OrderState);
            WriteBytes(w, NegativeState);
            Sums.Save(w);
            w.Write(ElapsedSeconds);
            w.Write(Metrics.Count);
            foreach (var m in Metrics)
            {
                w.Write(m.Epoch);
                w.Write(m.Phase);
                w.Write(m.Seconds);
                w.Write(m.SamplesPerSecond);
                w.Write(m.ValidationAccuracy.HasValue);
                w.Write(m.ValidationAccuracy ?? 0);
                w.Write(m.Layers.Count);
                foreach (var l in m.Layers)
                {
                    w.Write(l.Layer);
                    w.Write(l.Loss);
                    w.Write(l.GoodPos);
                    w.Write(l.GoodNeg);
                    w.Write(l.Separation);
                    w.Write(l.DeadUnits);
                    w.Write(l.LearningRate);
                }
            }
            w.Write(StaleTable is not null);
            if (StaleTable is not null) WriteBytes(w, StaleTable);
        }
        return ms.ToArray();
    }

    public static RunSnapshot FromBytes(byte[] data)
    {
        using var r = new BinaryReader(new MemoryStream(data, writable: false));
        if (r.ReadInt32() != Magic) throw new InvalidDataException("not an FFActors coordinator checkpoint");
        int version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"coordinator checkpoint version {version} (expected {Version})");
        int epoch = r.ReadInt32(), batch = r.ReadInt32();
        var id = r.ReadString();
        var fingerprint = r.ReadString();
        var order = ReadBytes(r);
        var neg = ReadBytes(r);
        var sums = StatsSums.Load(r);
        double elapsed = r.ReadDouble();
        int count = r.ReadInt32();
        var metrics = new List<EpochMetrics>(count);
        for (int i = 0; i < count; i++)
        {
            int e = r.ReadInt32(), phase = r.ReadInt32();
            double seconds = r.ReadDouble(), sps = r.ReadDouble();
            bool hasVal = r.ReadBoolean();
            double val = r.ReadDouble();
            int layers = r.ReadInt32();
            var ls = new LayerEpochStats[layers];
            for (int j = 0; j < layers; j++)
                ls[j] = new LayerEpochStats(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            metrics.Add(new EpochMetrics(e, phase, seconds, sps, ls, hasVal ? val : null));
        }
        var stale = r.ReadBoolean() ? ReadBytes(r) : null;
        return new RunSnapshot(epoch, batch, id.Length == 0 ? null : id, fingerprint, order, neg, sums, elapsed, metrics, stale);
    }

    static void WriteBytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());
}
