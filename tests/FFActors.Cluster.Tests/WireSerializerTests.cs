using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

public sealed class WireSerializerTests : IDisposable
{
    readonly ITestOutputHelper output;
    readonly ActorSystem system;
    readonly IActorRef a, b;

    public WireSerializerTests(ITestOutputHelper output)
    {
        this.output = output;
        system = ActorSystem.Create("wire", WireConfig.Config().WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        a = system.ActorOf(Props.Empty, "a");
        b = system.ActorOf(Props.Empty, "b");
    }

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    static WireSerializer SerializerOf(ActorSystem sys, object message)
    {
        var serializer = sys.Serialization.FindSerializerFor(message);
        return Assert.IsType<WireSerializer>(serializer);
    }

    [Fact]
    public void Every_protocol_message_is_bound_to_the_wire_serializer_and_round_trips_exactly()
    {
        int count = 0;
        foreach (var (name, build) in WireSamples.All(a, b))
        {
            var message = build();
            var serializer = SerializerOf(system, message);
            Assert.Equal(WireSerializer.Id, serializer.Identifier);
            string manifest = serializer.Manifest(message);
            byte[] bytes = serializer.ToBinary(message);
            var back = serializer.FromBinary(bytes, manifest);
            var expected = build();
            WireSamples.AssertSame(expected, back, name);
            WireSamples.DisposeAll(expected);
            WireSamples.DisposeAll(back);
            count++;
        }
        // Every IWireMessage type in the assembly has a sample here.
        var types = typeof(IWireMessage).Assembly.GetTypes().Where(t => typeof(IWireMessage).IsAssignableFrom(t) && !t.IsInterface).ToArray();
        var sampled = WireSamples.All(a, b).Select(s => { var m = s.Build(); var t = m.GetType(); WireSamples.DisposeAll(m); return t; }).ToHashSet();
        Assert.All(types, t => Assert.Contains(t, sampled));
        output.WriteLine($"{count} samples of {types.Length} message types round-tripped");
    }

    [Fact]
    public void Every_protocol_message_carries_the_wire_marker()
    {
        // A message without IWireMessage would fall back to Akka's JSON serializer on the wire: every
        // class in FFActors.Runtime.Protocol is a message except the data records nested in them. The ones
        // that pass only between the coordinator's parts, in one process, say so instead.
        string[] nested = ["LayerTimings"];
        var unmarked = typeof(IWireMessage).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(IWireMessage).Namespace && t.IsClass && !t.IsAbstract && !t.IsNested
                && !typeof(Akka.Actor.INoSerializationVerificationNeeded).IsAssignableFrom(t)
                && !t.Name.StartsWith('<') && !nested.Contains(t.Name) && !typeof(IWireMessage).IsAssignableFrom(t))
            .Select(t => t.Name).ToArray();
        Assert.Empty(unmarked);
    }

    [Fact]
    public void Serializing_hands_the_tensors_over()
    {
        var m = new TrainBatch(new Stamp("r", 1, 0, 0), ones(3, 4), ones(3, 4), null, null);
        SerializerOf(system, m).ToBinary(m);
        Assert.True(m.Positive.IsInvalid);
        Assert.True(m.Negative.IsInvalid);
    }

    [Theory]
    [InlineData(WirePrecision.Float16, 1.0 / 1024)]
    [InlineData(WirePrecision.BFloat16, 1.0 / 128)]
    public void Reduced_precision_halves_activation_bytes_within_its_rounding_error(WirePrecision precision, double relative)
    {
        using var narrow = ActorSystem.Create("narrow", WireConfig.Config(precision));
        using var g = new Generator(5);
        using var x = randn([200, 500], generator: g);
        using var gamma = randn([3, 200], generator: g);
        var exact = SerializerOf(system, new Credit(default, 0));
        var reduced = SerializerOf(narrow, new Credit(default, 0));
        Assert.Equal(precision, reduced.Precision);
        TrainBatch Build() => new(new Stamp("r", 1, 0, 0), x.clone(), x.clone(),
            new Dictionary<string, Tensor> { [SignalNames.GammaPositive] = gamma.clone(), [SignalNames.GammaNegative] = gamma.clone() });
        var full = exact.ToBinary(Build());
        var half = reduced.ToBinary(Build());
        Assert.InRange(half.Length, full.Length * 0.45, full.Length * 0.55);
        using var back = (TrainBatch)reduced.FromBinary(half, "TB");
        Assert.Equal(ScalarType.Float32, back.Positive.dtype);
        double err = (back.Positive - x).abs().div(x.abs().clamp_min(KeptScalars.Of(1e-3))).max().item<float>();
        output.WriteLine($"{precision}: {half.Length:N0} vs {full.Length:N0} bytes, max relative error {err:E2}");
        Assert.True(err <= relative, $"relative error {err}");
        Assert.True(err > 0, "narrowing must lose something");
        // γ is not an activation: exact.
        Assert.True(back.Signals![SignalNames.GammaPositive].bytes.SequenceEqual(gamma.bytes));
    }

    [Fact]
    public void An_unknown_manifest_is_a_SerializationException()
    {
        var s = SerializerOf(system, new Credit(default, 0));
        var bytes = s.ToBinary(new Credit(new Stamp("r", 1, 0, 0), 1));
        Assert.Throws<SerializationException>(() => s.FromBinary(bytes, "XX"));
        Assert.Throws<SerializationException>(() => s.FromBinary(bytes, ""));
        Assert.Throws<SerializationException>(() => s.Manifest("a string"));
        Assert.Throws<SerializationException>(() => s.ToBinary(42));
    }

    [Fact]
    public void Fuzzed_payloads_raise_only_SerializationException()
    {
        var s = SerializerOf(system, new Credit(default, 0));
        var rng = new Random(1234);
        int decoded = 0, refused = 0;
        void Try(byte[] bytes, string manifest)
        {
            object? m = null;
            try
            {
                m = s.FromBinary(bytes, manifest);
                decoded++;
            }
            catch (SerializationException)
            {
                refused++;
            }
            // Any other exception type fails the test.
            if (m is not null) WireSamples.DisposeAll(m);
        }
        foreach (var (name, build) in WireSamples.All(a, b))
        {
            var message = build();
            string manifest = s.Manifest(message);
            var valid = s.ToBinary(message);
            // Every truncation (sampled for long payloads).
            int step = Math.Max(1, valid.Length / 300);
            for (int len = 0; len < valid.Length; len += step) Try(valid[..len], manifest);
            // Single and multiple bit flips.
            for (int i = 0; i < 300; i++)
            {
                var flipped = (byte[])valid.Clone();
                int flips = 1 + rng.Next(4);
                for (int f = 0; f < flips; f++) flipped[rng.Next(flipped.Length)] ^= (byte)(1 << rng.Next(8));
                Try(flipped, manifest);
            }
            // Garbage: random bytes, random lengths, and a valid payload sent under every other manifest.
            for (int i = 0; i < 100; i++)
            {
                var junk = new byte[rng.Next(0, 200)];
                rng.NextBytes(junk);
                Try(junk, manifest);
            }
            foreach (var other in new[] { "TB", "PB", "SB", "FB", "CR", "LS", "PG", "SG", "SC", "CS", "RL", "LR", "ST", "LF", "HF", "FH", "HA", "CL", "LC", "LX", "RT", "DH", "HI", "RW", "LW" })
                Try(valid, other);
        }
        output.WriteLine($"fuzz: {refused} refused, {decoded} decoded (harmless corruptions such as a changed value)");
        Assert.True(refused > 1000);
    }

    [Fact]
    public void Hostile_lengths_and_shapes_are_refused_without_allocating()
    {
        // A tensor claiming 2^62 elements, a negative dimension, and a byte count that does not match its shape.
        foreach (var t in new[]
                 {
                     new WireTensor(1, [1L << 31, 1L << 31], []),
                     new WireTensor(1, [-1, 4], new byte[16]),
                     new WireTensor(1, [2, 4], new byte[31]),
                     new WireTensor(99, [1], new byte[4]),
                 })
            Assert.Throws<SerializationException>(() => t.ToTensor().Dispose());
        // A MessagePack array header claiming 4 billion elements in a 6-byte payload.
        var s = SerializerOf(system, new Credit(default, 0));
        Assert.Throws<SerializationException>(() => s.FromBinary([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00], "TB"));
    }

    [Fact]
    public void A_message_larger_than_the_frame_is_refused_with_its_size_and_the_limit()
    {
        using var small = ActorSystem.Create("small", WireConfig.Config().WithFallback(
            ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.maximum-frame-size = 128000b")));
        var s = SerializerOf(small, new Credit(default, 0));
        // 2 × 50 × 784 floats ≈ 314 KB: over 128,000 bytes.
        var big = new TrainBatch(new Stamp("r", 1, 0, 0), zeros(50, 784), zeros(50, 784), null, null);
        var e = Assert.Throws<WireFrameException>(() => s.ToBinary(big));
        output.WriteLine(e.Message);
        Assert.Contains("TrainBatch", e.Message);
        Assert.Contains("128,000", e.Message);
        Assert.IsAssignableFrom<SerializationException>(e);
        // A small one still goes.
        Assert.NotEmpty(s.ToBinary(new TrainBatch(new Stamp("r", 1, 0, 0), zeros(2, 10), zeros(2, 10), null, null)));
    }
}
