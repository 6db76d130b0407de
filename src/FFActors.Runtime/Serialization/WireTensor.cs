using System.Runtime.Serialization;
using MessagePack;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Runtime.Serialization;

/// <summary>
/// A tensor on the wire: its raw little-endian bytes, shape and element type. Written straight from
/// the tensor's storage into the message buffer (<see cref="WireTensorFormatter"/>), and copied once
/// into a fresh tensor's storage on arrival. On a cluster member a large tensor's bytes go to the
/// data plane instead (<see cref="Transport.DataPlane"/>) and the message carries a <see cref="WireBlob"/>
/// (<see cref="Data"/> then empty), fetched straight into the new tensor's storage.
/// </summary>
[MessagePackObject]
[MessagePackFormatter(typeof(WireTensorFormatter))]
public sealed record WireTensor(
    [property: Key(0)] byte DType,
    [property: Key(1)] long[] Shape,
    [property: Key(2)] byte[] Data,
    [property: Key(3)] WireBlob? Blob = null)
{
    const byte F32 = 1, F16 = 2, BF16 = 3, I64 = 4, U8 = 5;

    static WireTensor()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the tensor wire format assumes a little-endian machine");
    }

    /// <summary>The tensor whose storage is written when this is serialized (no intermediate copy); null after deserialization.</summary>
    [IgnoreMember]
    internal Tensor? Source { get; private init; }

    /// <summary>
    /// <paramref name="t"/> for the wire, float32 narrowed to <paramref name="precision"/>. Any converted
    /// copy belongs to the caller's dispose scope and must live until the message is serialized.
    /// </summary>
    /// <param name="plane">When given, a tensor of at least its threshold in bytes is left there and referenced.</param>
    public static WireTensor From(Tensor t, WirePrecision precision = WirePrecision.Float32, Transport.DataPlane? plane = null)
    {
        var x = t.device_type == DeviceType.CPU ? t : t.cpu();
        if (x.dtype == ScalarType.Float32 && precision != WirePrecision.Float32)
            x = x.to(precision == WirePrecision.Float16 ? ScalarType.Float16 : ScalarType.BFloat16);
        byte code = x.dtype switch
        {
            ScalarType.Float32 => F32,
            ScalarType.Float16 => F16,
            ScalarType.BFloat16 => BF16,
            ScalarType.Int64 => I64,
            ScalarType.Byte => U8,
            _ => throw new SerializationException($"tensor element type {x.dtype} has no wire format"),
        };
        x = x.contiguous();
        long bytes = x.NumberOfElements * x.ElementSize;
        if (plane is not null && bytes >= plane.Threshold && bytes > 0)
            return new WireTensor(code, x.shape, [], plane.Offer(x.bytes));
        return new WireTensor(code, x.shape, []) { Source = x };
    }

    /// <summary>A new tensor, owned by the caller (in the caller's dispose scope, if any); narrowed floats come back as float32.</summary>
    /// <param name="plane">Fetches the bytes of a tensor that came as a <see cref="WireBlob"/>.</param>
    public Tensor ToTensor(Transport.DataPlane? plane = null)
    {
        var (type, size) = DType switch
        {
            F32 => (ScalarType.Float32, 4),
            F16 => (ScalarType.Float16, 2),
            BF16 => (ScalarType.BFloat16, 2),
            I64 => (ScalarType.Int64, 8),
            U8 => (ScalarType.Byte, 1),
            _ => throw new SerializationException($"tensor: unknown element type code {DType}"),
        };
        if (Source is not null) return Source.clone();
        if (Shape is null || Data is null) throw new SerializationException("tensor: shape or data missing");
        if (Shape.Length > 8) throw new SerializationException($"tensor: {Shape.Length} dimensions");
        long count = 1;
        try
        {
            foreach (var d in Shape)
            {
                if (d < 0) throw new SerializationException($"tensor: negative dimension {d}");
                count = checked(count * d);
            }
            if (Blob is not null)
            {
                if (Data.Length != 0) throw new SerializationException("tensor: both inline bytes and a data-plane reference");
                if (checked(count * size) != Blob.Length)
                    throw new SerializationException($"tensor: shape [{string.Join(", ", Shape)}] needs {count * size} bytes, the reference has {Blob.Length}");
                if (plane is null) throw new SerializationException("tensor: a data-plane reference, but this node has no data plane");
            }
            else if (checked(count * size) != Data.Length)
                throw new SerializationException($"tensor: shape [{string.Join(", ", Shape)}] needs {count * size} bytes, got {Data.Length}");
        }
        catch (OverflowException)
        {
            throw new SerializationException($"tensor: shape [{string.Join(", ", Shape)}] is too large");
        }
        var raw = empty(Shape, type);
        try
        {
            if (Blob is not null) plane!.Fetch(Blob, raw.bytes);
            else if (Data.Length > 0) Data.AsSpan().CopyTo(raw.bytes);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
        if (type is not (ScalarType.Float16 or ScalarType.BFloat16)) return raw;
        var wide = raw.to(ScalarType.Float32);
        raw.Dispose();
        return wide;
    }
}
