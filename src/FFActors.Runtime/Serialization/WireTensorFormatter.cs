using System.Buffers;
using System.Runtime.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace FFActors.Runtime.Serialization;

/// <summary>
/// MessagePack layout of <see cref="WireTensor"/>: [dtype, [dims…], bin], or [dtype, [dims…], empty bin,
/// [host, port, id, length]] for bytes left on the data plane. Writes the bin straight from the source
/// tensor's storage; reads with the untrusted-data limits (at most 8 dimensions, lengths checked
/// against the payload by MessagePack).
/// </summary>
public sealed class WireTensorFormatter : IMessagePackFormatter<WireTensor?>
{
    public void Serialize(ref MessagePackWriter writer, WireTensor? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(value.Blob is null ? 3 : 4);
        writer.Write(value.DType);
        writer.WriteArrayHeader(value.Shape.Length);
        foreach (var d in value.Shape) writer.Write(d);
        if (value.Source is { } t)
        {
            ReadOnlySpan<byte> bytes = t.bytes;
            writer.WriteBinHeader(bytes.Length);
            var target = writer.GetSpan(bytes.Length);
            bytes.CopyTo(target);
            writer.Advance(bytes.Length);
        }
        else
        {
            writer.Write(value.Data);
        }
        if (value.Blob is { } blob)
        {
            writer.WriteArrayHeader(4);
            writer.Write(blob.Host);
            writer.Write(blob.Port);
            writer.Write(blob.Id);
            writer.Write(blob.Length);
        }
    }

    public WireTensor? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        options.Security.DepthStep(ref reader);
        try
        {
            int fields = reader.ReadArrayHeader();
            if (fields is not (3 or 4)) throw new SerializationException("tensor: expected [dtype, shape, data] or [dtype, shape, data, reference]");
            byte dtype = reader.ReadByte();
            int dims = reader.ReadArrayHeader();
            if (dims > 8) throw new SerializationException($"tensor: {dims} dimensions");
            var shape = new long[dims];
            for (int i = 0; i < dims; i++) shape[i] = reader.ReadInt64();
            var data = reader.ReadBytes() ?? throw new SerializationException("tensor: data missing");
            WireBlob? blob = null;
            if (fields == 4)
            {
                if (reader.ReadArrayHeader() != 4) throw new SerializationException("tensor: expected reference [host, port, id, length]");
                blob = new WireBlob(reader.ReadString() ?? throw new SerializationException("tensor: reference host missing"),
                    reader.ReadInt32(), reader.ReadUInt64(), reader.ReadInt64());
            }
            return new WireTensor(dtype, shape, data.ToArray(), blob);
        }
        finally
        {
            reader.Depth--;
        }
    }
}
