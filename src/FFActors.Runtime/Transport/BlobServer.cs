using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Serves the payloads of a <see cref="BlobStore"/> to the members that received their messages: one
/// listener, a thread per link (links are few and long-lived: one per peer that fetches from here).
/// A link that does not open with the protocol's hello, or fails TLS, is closed.
/// </summary>
public sealed class BlobServer : IDisposable
{
    readonly TcpListener listener;
    readonly BlobStore store;
    readonly LinkSecurity? security;
    readonly ConcurrentDictionary<Socket, byte> links = new();
    volatile bool stopping;

    public BlobServer(IPAddress address, int port, BlobStore store, LinkSecurity? security)
    {
        this.store = store;
        this.security = security;
        listener = new TcpListener(address, port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = $"data-plane :{Port}" }.Start();
    }

    public int Port { get; }

    void AcceptLoop()
    {
        while (!stopping)
        {
            Socket socket;
            try
            {
                socket = listener.AcceptSocket();
            }
            catch (Exception) when (stopping)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            socket.NoDelay = true;
            links[socket] = 0;
            new Thread(() => Serve(socket)) { IsBackground = true, Name = $"data-plane :{Port} link" }.Start();
        }
    }

    void Serve(Socket socket)
    {
        try
        {
            // A peer gets a few seconds to complete TLS and say hello; after that a link may idle (evaluation, checkpoints).
            socket.ReceiveTimeout = 10_000;
            using var stream = Open(socket);
            Span<byte> hello = stackalloc byte[LinkProtocol.Hello.Length];
            stream.ReadExactly(hello);
            if (!hello.SequenceEqual(LinkProtocol.Hello)) return;
            socket.ReceiveTimeout = 0;
            while (!stopping)
            {
                var (id, expected) = LinkProtocol.ReadRequest(stream);
                long found = store.Take(id, expected, payload =>
                {
                    LinkProtocol.WriteLength(stream, payload.Length);
                    stream.Write(payload.Span);
                });
                if (found < 0) LinkProtocol.WriteLength(stream, found);
                stream.Flush();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The peer went away, or was not one of ours: the link ends, the server stays.
        }
        finally
        {
            links.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    Stream Open(Socket socket)
    {
        Stream raw = new NetworkStream(socket, ownsSocket: false);
        return security is null ? raw : security.AsServer(raw);
    }

    public void Dispose()
    {
        stopping = true;
        listener.Stop();
        foreach (var socket in links.Keys) socket.Dispose();
    }
}
