using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A strategy that carries state from one batch to the next (a learned generator's weights, a memory bank). Its state
/// goes into checkpoints with the negatives' random stream (<see cref="NegativeStreamState"/>), so a resumed or
/// replayed run builds the same negatives as an uninterrupted one.
/// </summary>
public interface IStatefulNegatives
{
    void SaveState(BinaryWriter w);

    /// <summary>Replaces the strategy's state with what <see cref="SaveState"/> wrote.</summary>
    void LoadState(BinaryReader r);
}

/// <summary>
/// Everything that decides the negatives of the batches still to come: the negatives' random stream and, for an
/// <see cref="IStatefulNegatives"/> strategy, its state. Checkpoints store it as one byte string.
/// </summary>
public static class NegativeStreamState
{
    const int Magic = 0x534E4646; // "FFNS"
    const int Version = 1;

    public static byte[] Of(Generator negatives, INegativeStrategy strategy)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            var generator = GeneratorState.Of(negatives);
            w.Write(generator.Length);
            w.Write(generator);
            w.Write(strategy is IStatefulNegatives);
            if (strategy is IStatefulNegatives stateful) stateful.SaveState(w);
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Restores the stream and the strategy's state. A checkpoint written before strategies kept state holds the
    /// stream's bytes alone; the strategy then starts fresh.
    /// </summary>
    public static void Restore(Generator negatives, INegativeStrategy strategy, byte[] state)
    {
        if (state.Length < 8 || BitConverter.ToInt32(state, 0) != Magic)
        {
            GeneratorState.Restore(negatives, state);
            return;
        }
        using var ms = new MemoryStream(state, writable: false);
        using var r = new BinaryReader(ms);
        r.ReadInt32();
        int version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"negatives' state version {version} (expected {Version})");
        GeneratorState.Restore(negatives, r.ReadBytes(r.ReadInt32()));
        bool stateful = r.ReadBoolean();
        if (stateful != strategy is IStatefulNegatives)
            throw new InvalidDataException($"the checkpoint's negatives {(stateful ? "carry" : "carry no")} state, {strategy.Name} {(stateful ? "keeps none" : "keeps some")}");
        if (strategy is IStatefulNegatives s) s.LoadState(r);
    }

    /// <summary>Writes an optional tensor (a flag, then the tensor).</summary>
    internal static void Write(BinaryWriter w, Tensor? t)
    {
        w.Write(t is not null);
        if (t is null) return;
        using var detached = t.detach();
        using var onCpu = detached.cpu();
        onCpu.Save(w);
    }

    /// <summary>Reads what <see cref="Write"/> wrote, onto <paramref name="device"/>.</summary>
    internal static Tensor? Read(BinaryReader r, Device device)
    {
        if (!r.ReadBoolean()) return null;
        using var t = TensorExtensionMethods.Load(r);
        return t.to(device).DetachFromDisposeScope();
    }
}
