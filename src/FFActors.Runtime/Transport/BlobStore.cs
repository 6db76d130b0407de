using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Payloads waiting to be fetched, each under an unguessable 64-bit id. A payload is handed out once
/// (fetching removes it); one nobody fetches within the expiry is dropped, so a message lost with its
/// receiver cannot pin its bytes. The buffers are pooled.
/// </summary>
public sealed class BlobStore : IDisposable
{
    sealed record Entry(byte[] Buffer, int Length, long Stored);

    readonly ConcurrentDictionary<ulong, Entry> entries = new();
    readonly long expiryTicks;
    readonly Timer sweeper;

    public BlobStore(TimeSpan expiry)
    {
        expiryTicks = (long)(expiry.TotalSeconds * Stopwatch.Frequency);
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, expiry.Ticks / 4));
        sweeper = new Timer(_ => Sweep(), null, every, every);
    }

    public int Count => entries.Count;

    long taken;

    /// <summary>Payloads handed out so far.</summary>
    public long Taken => Interlocked.Read(ref taken);

    /// <summary>Copies <paramref name="bytes"/> in and returns the id to fetch them by.</summary>
    public ulong Put(ReadOnlySpan<byte> bytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes.Length));
        bytes.CopyTo(buffer);
        var entry = new Entry(buffer, bytes.Length, Stopwatch.GetTimestamp());
        while (true)
        {
            ulong id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            if (id != 0 && entries.TryAdd(id, entry)) return id;
        }
    }

    /// <summary>
    /// Removes the payload and gives it to <paramref name="use"/>, if it is here and has <paramref name="length"/>
    /// bytes; a request with the wrong length leaves it in place. Returns what was found: the payload's length,
    /// <see cref="LinkProtocol.Unknown"/> (unknown, fetched already or expired) or <see cref="LinkProtocol.WrongLength"/>.
    /// </summary>
    public long Take(ulong id, long length, Action<ReadOnlyMemory<byte>> use)
    {
        if (!entries.TryGetValue(id, out var entry)) return LinkProtocol.Unknown;
        if (entry.Length != length) return LinkProtocol.WrongLength;
        if (!entries.TryRemove(id, out entry)) return LinkProtocol.Unknown;
        Interlocked.Increment(ref taken);
        try
        {
            use(entry.Buffer.AsMemory(0, entry.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(entry.Buffer);
        }
        return entry.Length;
    }

    void Sweep()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var (id, entry) in entries)
            if (now - entry.Stored > expiryTicks && entries.TryRemove(id, out var gone))
                ArrayPool<byte>.Shared.Return(gone.Buffer);
    }

    public void Dispose()
    {
        sweeper.Dispose();
        foreach (var id in entries.Keys)
            if (entries.TryRemove(id, out var gone)) ArrayPool<byte>.Shared.Return(gone.Buffer);
    }
}
