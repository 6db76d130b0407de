using System.Buffers.Binary;

namespace FFActors.Runtime.Transport;

/// <summary>
/// The data-plane link: the fetching side opens it with <see cref="Hello"/>, then sends requests of
/// [id u64, expected length i64]; each is answered with [length i64] and that many bytes, or with a
/// negative length and nothing (<see cref="Unknown"/>, <see cref="WrongLength"/>). Little-endian.
/// </summary>
static class LinkProtocol
{
    public static ReadOnlySpan<byte> Hello => "FFDP\u0001"u8;

    public const long Unknown = -1;
    public const long WrongLength = -2;

    public static void WriteRequest(Stream s, ulong id, long length)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(b, id);
        BinaryPrimitives.WriteInt64LittleEndian(b[8..], length);
        s.Write(b);
        s.Flush();
    }

    public static (ulong Id, long Length) ReadRequest(Stream s)
    {
        Span<byte> b = stackalloc byte[16];
        s.ReadExactly(b);
        return (BinaryPrimitives.ReadUInt64LittleEndian(b), BinaryPrimitives.ReadInt64LittleEndian(b[8..]));
    }

    public static void WriteLength(Stream s, long length)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, length);
        s.Write(b);
    }

    public static long ReadLength(Stream s)
    {
        Span<byte> b = stackalloc byte[8];
        s.ReadExactly(b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }
}
