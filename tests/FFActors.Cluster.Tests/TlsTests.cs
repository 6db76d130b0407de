using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using FFActors.Runtime.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>Mutual TLS on the remote transport: only nodes holding the cluster's certificate can join.</summary>
public class TlsTests(ITestOutputHelper output)
{
    static ActorSystem Host(string name, string cert, string? seed, Action<AssociationErrorEvent>? onRefused = null)
    {
        var system = LayerHostNode.Start(
            new ClusterOptions(NodeName: name, SeedNodes: seed is null ? null : [seed], Tls: new TlsOptions(true, cert, "secret")),
            frame: 1 << 20);
        if (onRefused is not null)
            system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Listener<AssociationErrorEvent>(onRefused))), typeof(AssociationErrorEvent));
        return system;
    }

    /// <summary>Hands every event of type <typeparamref name="T"/> it receives to <paramref name="on"/>.</summary>
    sealed class Listener<T> : ReceiveActor
    {
        public Listener(Action<T> on) => Receive<T>(on);
    }

    static bool IsUp(ActorSystem observer, ActorSystem member) =>
        observer.HasExtension<Akka.Cluster.Cluster>() && Akka.Cluster.Cluster.Get(observer).State.Members
            .Any(m => m.Address.Equals(ClusterSystem.SelfAddress(member)) && m.Status == MemberStatus.Up);

    [Fact]
    public async Task A_node_without_the_clusters_certificate_cannot_join()
    {
        var dir = TempFolder.New();
        var clusterCert = Certificates.SelfSigned(dir, "ffactors-cluster", "secret");
        var otherCert = Certificates.SelfSigned(dir, "intruder", "secret");
        var systems = new List<ActorSystem>();
        try
        {
            var a = Host("a", clusterCert, null);
            systems.Add(a);
            string seed = ClusterSystem.SelfAddress(a).ToString();
            // The intruder's transport reports each failed association with the seed: its first one is the refusal.
            var refused = new TaskCompletionSource<AssociationErrorEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            var intruder = Host("intruder", otherCert, seed, e => refused.TrySetResult(e));
            systems.Add(intruder);
            var b = Host("b", clusterCert, seed);
            systems.Add(b);

            var clock = Stopwatch.StartNew();
            while (!IsUp(a, b) && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(100);
            Assert.True(IsUp(a, b), "a node with the cluster's certificate joins over TLS");
            var refusal = await refused.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(ClusterSystem.SelfAddress(a), refusal.RemoteAddress);
            output.WriteLine($"intruder refused: {refusal}");
            Assert.False(Akka.Cluster.Cluster.Get(a).State.Members.Any(m => m.Address.Equals(ClusterSystem.SelfAddress(intruder))),
                "the node with another certificate must not become a member");
            Assert.False(IsUp(intruder, intruder));
            output.WriteLine($"b joined over TLS in {clock.Elapsed.TotalSeconds:F1} s; intruder refused; members: " +
                string.Join(", ", Akka.Cluster.Cluster.Get(a).State.Members.Select(m => $"{m.Address} {m.Status}")));
        }
        finally
        {
            ClusterSupport.StopAll(systems);
        }
    }
}
