using System.Runtime.Serialization;
using MessagePack;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Runtime.Serialization;

/// <summary>
/// A tensor on the wire: its raw little-endian bytes, shape and element type. Copied once out of
/// TorchSharp (<c>Tensor.bytes</c>) and once into it (into a fresh tensor's storage).
/// </summary>
[MessagePackObject]
public sealed record WireTensor(
    [property: Key(0)] byte DType,
    [property: Key(1)] long[] Shape,
    [property: Key(2)] byte[] Data)
{
    const byte F32 = 1, F16 = 2, BF16 = 3, I64 = 4, U8 = 5;

    static WireTensor()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the tensor wire format assumes a little-endian machine");
    }

    /// <summary>Copies <paramref name="t"/> out; float32 data is narrowed to <paramref name="precision"/>.</summary>
    public static WireTensor From(Tensor t, WirePrecision precision = WirePrecision.Float32)
    {
        using var scope = NewDisposeScope();
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
        return new WireTensor(code, x.shape, x.bytes.ToArray());
    }

    /// <summary>A new tensor, owned by the caller (in the caller's dispose scope, if any); narrowed floats come back as float32.</summary>
    public Tensor ToTensor()
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
            if (checked(count * size) != Data.Length)
                throw new SerializationException($"tensor: shape [{string.Join(", ", Shape)}] needs {count * size} bytes, got {Data.Length}");
        }
        catch (OverflowException)
        {
            throw new SerializationException($"tensor: shape [{string.Join(", ", Shape)}] is too large");
        }
        var raw = empty(Shape, type);
        if (Data.Length > 0) Data.AsSpan().CopyTo(raw.bytes);
        if (type is not (ScalarType.Float16 or ScalarType.BFloat16)) return raw;
        var wide = raw.to(ScalarType.Float32);
        raw.Dispose();
        return wide;
    }
}
