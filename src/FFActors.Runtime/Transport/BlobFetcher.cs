using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.Serialization;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Fetches payloads from other members' <see cref="BlobServer"/>s over one kept-open link per peer
/// (fetches to one peer take turns on it). A link that breaks is re-made once; a payload that cannot
/// be had is a <see cref="SerializationException"/>, so Akka drops that one message and logs it, as it
/// does any unreadable message.
/// </summary>
public sealed class BlobFetcher(LinkSecurity? security, TimeSpan timeout) : IDisposable
{
    sealed class Link(Socket socket, Stream stream) : IDisposable
    {
        public readonly Socket Socket = socket;
        public readonly Stream Stream = stream;
        public void Dispose()
        {
            Stream.Dispose();
            Socket.Dispose();
        }
    }

    readonly ConcurrentDictionary<(string Host, int Port), Lazy<Link>> links = new();

    /// <summary>Reads payload <paramref name="id"/> from <paramref name="host"/>:<paramref name="port"/> into <paramref name="into"/> (its exact length).</summary>
    public void Fetch(string host, int port, ulong id, Span<byte> into)
    {
        var key = (host, port);
        for (int attempt = 0; ; attempt++)
        {
            var lazy = links.GetOrAdd(key, k => new Lazy<Link>(() => Connect(k.Host, k.Port)));
            try
            {
                var link = lazy.Value;
                lock (link)
                {
                    LinkProtocol.WriteRequest(link.Stream, id, into.Length);
                    long length = LinkProtocol.ReadLength(link.Stream);
                    if (length == LinkProtocol.Unknown)
                        throw new SerializationException($"data plane: payload {id:x16} at {host}:{port} is unknown (fetched already or expired)");
                    if (length == LinkProtocol.WrongLength)
                        throw new SerializationException($"data plane: payload {id:x16} at {host}:{port} is not {into.Length} bytes");
                    if (length != into.Length)
                    {
                        link.Dispose();
                        throw new IOException($"data plane: {host}:{port} answered {length} for a request of {into.Length} bytes");
                    }
                    link.Stream.ReadExactly(into);
                    return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                // The link is in an unknown state: drop it. A link idle since the peer restarted fails once, then a fresh one works.
                if (links.TryRemove(new KeyValuePair<(string, int), Lazy<Link>>(key, lazy)) && lazy.IsValueCreated) lazy.Value.Dispose();
                if (attempt >= 1) throw new SerializationException($"data plane: cannot fetch payload {id:x16} from {host}:{port}: {e.Message}", e);
            }
        }
    }

    Link Connect(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var cancel = new CancellationTokenSource(timeout))
                socket.ConnectAsync(host, port, cancel.Token).AsTask().GetAwaiter().GetResult();
            socket.ReceiveTimeout = socket.SendTimeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (security is not null) stream = security.AsClient(stream, host);
            stream.Write(LinkProtocol.Hello);
            return new Link(socket, stream);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in links.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        links.Clear();
    }
}
