using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Serialization;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using FFActors.Core.Platform;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

/// <summary>The data plane: payloads handed out once, expiry, unreadable references, hostile links, TLS, and the serializer's use of it.</summary>
public class DataPlaneTests
{
    static DataPlane Plane(DataPlaneOptions? options = null, X509Certificate2? cert = null) =>
        new(new DataPlaneSetup("127.0.0.1", options ?? new DataPlaneOptions(), cert, cert is null ? null : [cert.Thumbprint]));

    static byte[] Payload(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void A_payload_is_fetched_once_with_its_exact_bytes()
    {
        using var sender = Plane();
        using var receiver = Plane();
        var bytes = Payload(3_000_001, 1);
        var blob = sender.Offer(bytes);
        Assert.Equal(1, sender.Pending);
        var into = new byte[bytes.Length];
        receiver.Fetch(blob, into);
        Assert.Equal(bytes, into);
        Assert.Equal(0, sender.Pending);
        Assert.Equal(1, sender.Served);
        var again = Assert.Throws<SerializationException>(() => receiver.Fetch(blob, into));
        Assert.Contains("unknown", again.Message);
        // The link stays usable after a refused request.
        var second = Payload(1000, 2);
        var into2 = new byte[second.Length];
        receiver.Fetch(sender.Offer(second), into2);
        Assert.Equal(second, into2);
    }

    [Fact]
    public void A_payload_nobody_fetches_expires()
    {
        using var sender = Plane(new DataPlaneOptions(ExpirySeconds: 0.2));
        using var receiver = Plane();
        var blob = sender.Offer(Payload(100, 3));
        var clock = Stopwatch.StartNew();
        while (sender.Pending > 0 && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(50);
        Assert.Equal(0, sender.Pending);
        Assert.Throws<SerializationException>(() => receiver.Fetch(blob, new byte[100]));
    }

    [Fact]
    public void Unreadable_references_are_SerializationExceptions()
    {
        using var sender = Plane();
        using var receiver = Plane();
        var blob = sender.Offer(Payload(100, 4));
        Assert.Throws<SerializationException>(() => receiver.Fetch(blob, new byte[99]));
        Assert.Throws<SerializationException>(() => receiver.Fetch(blob with { Length = 99 }, new byte[99]));
        Assert.Throws<SerializationException>(() => receiver.Fetch(blob with { Port = 0 }, new byte[100]));
        Assert.Throws<SerializationException>(() => receiver.Fetch(blob with { Host = "" }, new byte[100]));
        // A member that is gone: nothing listens on its port any more.
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int closed = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SerializationException>(() => receiver.Fetch(blob with { Port = closed }, new byte[100]));
        Assert.Contains($"127.0.0.1:{closed}", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"a dead member is reported at once, not after {clock.Elapsed}");
        // The payload was never handed out.
        var into = new byte[100];
        receiver.Fetch(blob, into);
    }

    [Fact]
    public void Garbage_on_a_link_closes_that_link_and_the_server_stays_up()
    {
        using var sender = Plane();
        using var receiver = Plane();
        var blob = sender.Offer(Payload(5000, 5));
        foreach (var junk in new[] { Payload(64, 6), "FFDP\u0001"u8.ToArray().Concat(Payload(7, 7)).ToArray(), [] })
        {
            using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            s.Connect(IPAddress.Loopback, sender.Port);
            s.Send(junk);
            s.Shutdown(SocketShutdown.Send);
            s.ReceiveTimeout = 10_000;
            // The server answers nothing it cannot parse, and closes the link.
            var buffer = new byte[64];
            int n;
            try { n = s.Receive(buffer); } catch (SocketException) { n = 0; }
            Assert.Equal(0, n);
        }
        var into = new byte[5000];
        receiver.Fetch(blob, into);
        Assert.Equal(Payload(5000, 5), into);
    }

    [Fact]
    public void With_TLS_only_a_member_holding_a_trusted_certificate_can_fetch()
    {
        var dir = TempFolder.New();
        using var cluster = X509CertificateLoader.LoadPkcs12FromFile(Certificates.SelfSigned(dir, "cluster", "pw"), "pw");
        using var other = X509CertificateLoader.LoadPkcs12FromFile(Certificates.SelfSigned(dir, "other", "pw"), "pw");
        using var sender = Plane(cert: cluster);
        using var member = Plane(cert: cluster);
        using var intruder = Plane(cert: other);
        using var plain = Plane();
        var blob = sender.Offer(Payload(70_000, 8));
        Assert.Throws<SerializationException>(() => intruder.Fetch(blob, new byte[70_000]));
        Assert.Throws<SerializationException>(() => plain.Fetch(blob, new byte[70_000]));
        var into = new byte[70_000];
        member.Fetch(blob, into);
        Assert.Equal(Payload(70_000, 8), into);
    }

    static ActorSystem System(bool plane) => ActorSystem.Create("dp", ActorSystemSetup.Create(BootstrapSetup.Create()
            .WithConfig(ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(WireConfig.Config())))
        .And(new DataPlaneSetup("127.0.0.1", new DataPlaneOptions(Enabled: plane, Threshold: 4096))));

    [Fact]
    public void The_serializer_sends_large_tensors_through_the_data_plane_and_small_ones_inline()
    {
        using var a = System(plane: true);
        using var b = System(plane: true);
        using var off = System(plane: false);
        using var x = randn(200, 100);
        using var labels = arange(KeptScalars.Of(200));
        var message = new TrainBatch(new Stamp("r", 1, 0, 3), x.clone(), (x * KeptScalars.Of(2)).clone(), null, labels.clone());
        var serializer = (WireSerializer)a.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        Assert.True(bytes.Length < 4096, $"{bytes.Length} bytes inline: the two 80 000-byte activations belong on the data plane");
        Assert.Equal(2, DataPlane.For(a)!.Pending); // the labels (1 600 bytes) stay inline
        using (var back = (TrainBatch)((WireSerializer)b.Serialization.FindSerializerFor(message)).FromBinary(bytes, serializer.Manifest(message)))
        {
            Assert.True(Tensors.Same(x, back.Positive));
            Assert.True(Tensors.Same(x * KeptScalars.Of(2), back.Negative));
            Assert.True(Tensors.Same(labels, back.Labels!));
        }
        Assert.Equal(0, DataPlane.For(a)!.Pending);

        // A member without a data plane cannot read a reference: an unreadable message, nothing else.
        var again = serializer.ToBinary(new TrainBatch(new Stamp("r", 1, 0, 4), x.clone(), x.clone(), null, null));
        var e = Assert.Throws<SerializationException>(() => ((WireSerializer)off.Serialization.FindSerializerFor(message)).FromBinary(again, "TB"));
        Assert.Contains("no data plane", e.Message);
        // And with the data plane off, everything is inline.
        var inline = ((WireSerializer)off.Serialization.FindSerializerFor(message)).ToBinary(new TrainBatch(new Stamp("r", 1, 0, 5), x.clone(), x.clone(), null, null));
        Assert.True(inline.Length > 160_000);
    }
}
