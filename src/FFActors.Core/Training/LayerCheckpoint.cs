using FFActors.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// Saves and restores everything that determines a <see cref="IFFLayer"/>'s future: weights,
/// optimizer state (Adam moments and step count, SGD momentum) and the peer-normalisation running
/// mean. The learning rate is not stored: it follows from the epoch (<see cref="IFFLayer.SetEpoch"/>).
/// </summary>
public static class LayerCheckpoint
{
    const int Magic = 0x434C4646; // "FFLC"
    const int Version = 1;

    public static void Save(IFFLayer trainer, BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(Version);
        w.Write(trainer.Spec.Index);
        w.Write(trainer.Spec.InputSize);
        w.Write(trainer.Spec.OutputSize);
        trainer.Module.save(w);
        Helper(trainer).save_state_dict(w);
        trainer.State.Save(w);
        w.Flush();
    }

    /// <remarks>The array is sized by a first pass that only counts the bytes: a growing <see cref="MemoryStream"/>
    /// leaves about three times the checkpoint (16 MB per layer of the default network) as garbage on the
    /// large-object heap at every checkpoint, which the process then keeps resident.</remarks>
    public static byte[] ToBytes(IFFLayer trainer)
    {
        var counter = new ByteCounter();
        using (var w = new BinaryWriter(counter, System.Text.Encoding.UTF8, leaveOpen: true)) Save(trainer, w);
        var bytes = new byte[counter.Length];
        using var ms = new MemoryStream(bytes);
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) Save(trainer, w);
        if (ms.Position != bytes.Length) throw new InvalidOperationException($"layer {trainer.Spec.Index} checkpoint: {ms.Position} bytes written, {bytes.Length} counted");
        return bytes;
    }

    /// <summary>Loads a checkpoint into a trainer built with the same options.</summary>
    public static void Load(IFFLayer trainer, BinaryReader r)
    {
        if (r.ReadInt32() != Magic) throw new InvalidDataException("not an FFActors layer checkpoint");
        int version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"layer checkpoint version {version} (expected {Version})");
        int index = r.ReadInt32(), input = r.ReadInt32(), output = r.ReadInt32();
        var o = trainer.Spec;
        if (index != o.Index || input != o.InputSize || output != o.OutputSize)
            throw new InvalidDataException($"layer checkpoint is layer {index} ({input}→{output}), expected layer {o.Index} ({o.InputSize}→{o.OutputSize})");
        trainer.Module.load(r);
        Helper(trainer).load_state_dict(r);
        using var mean = TensorExtensionMethods.Load(r);
        using (no_grad()) trainer.State.copy_(mean);
    }

    public static void FromBytes(IFFLayer trainer, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        using var r = new BinaryReader(ms);
        Load(trainer, r);
    }

    static OptimizerHelper Helper(IFFLayer trainer) => trainer.Optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"optimizer {trainer.Optimizer.GetType().Name} cannot save its state");
}

/// <summary>A write-only stream that keeps nothing and counts the bytes written to it.</summary>
sealed class ByteCounter : Stream
{
    long length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => length;
    public override long Position { get => length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => length += count;
    public override void Write(ReadOnlySpan<byte> buffer) => length += buffer.Length;
    public override void WriteByte(byte value) => length++;
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
