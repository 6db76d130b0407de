using System.Runtime.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>
/// Wire contract of a <see cref="LayerSpec"/>: what every kind has (place, shape, optimizer, window; enums as their
/// numbers, checked on arrival), the kind's name, and the kind's own part as bytes written by that kind's codec.
/// </summary>
[MessagePackObject]
public sealed record WireLayerSpec(
    [property: Key(0)] string Kind,
    [property: Key(1)] int Index,
    [property: Key(2)] int InputSize,
    [property: Key(3)] int OutputSize,
    [property: Key(4)] int Optimizer,
    [property: Key(5)] double LearningRate,
    [property: Key(6)] double Momentum,
    [property: Key(7)] double WeightDecay,
    [property: Key(8)] int LrSchedule,
    [property: Key(9)] double DecayStart,
    [property: Key(10)] int[]? Window,
    [property: Key(11)] byte[] Body)
{
    [IgnoreMember]
    public OptimizerOptions OptimizerOptions => new(LayerSpecWire.E<OptimizerKind>(Optimizer), LearningRate, Momentum, WeightDecay,
        LayerSpecWire.E<LrSchedule>(LrSchedule), DecayStart);

    [IgnoreMember]
    public EpochWindow? EpochWindow => Window is { } w ? new EpochWindow(w[0], w[1]) : null;
}

/// <summary>One layer kind's part of <see cref="WireLayerSpec"/>: its own contract, written and checked by the kind.</summary>
public interface ILayerSpecCodec
{
    string Kind { get; }

    byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options);

    /// <summary>The kind's spec from the common part and the kind's bytes; impossible values raise <see cref="SerializationException"/>.</summary>
    LayerSpec Unpack(WireLayerSpec common, byte[] body, MessagePackSerializerOptions options);
}

/// <summary>
/// A kind's codec as a pair of maps between its spec and its own MessagePack record <typeparamref name="TWire"/>; the
/// serialisation, the cast and the reading (unreadable bytes → <see cref="SerializationException"/>) are done here once.
/// </summary>
public abstract class LayerSpecCodec<TSpec, TWire> : ILayerSpecCodec where TSpec : LayerSpec
{
    public abstract string Kind { get; }

    /// <summary>The kind's own part of <paramref name="spec"/>.</summary>
    protected abstract TWire ToWire(TSpec spec);

    /// <summary>The spec from the common part and the kind's part; impossible values raise <see cref="SerializationException"/>.</summary>
    protected abstract TSpec FromWire(WireLayerSpec common, TWire wire);

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options) => MessagePackSerializer.Serialize(ToWire((TSpec)spec), options);

    public LayerSpec Unpack(WireLayerSpec common, byte[] body, MessagePackSerializerOptions options) =>
        FromWire(common, LayerSpecWire.Read<TWire>(body, options, Kind));
}

/// <summary>Layer specs on the wire: the common part here, the kind's part by the kind's codec (one registry line per kind).</summary>
public static class LayerSpecWire
{
    static readonly IReadOnlyDictionary<string, ILayerSpecCodec> Codecs = new ILayerSpecCodec[]
    {
        new DenseSpecCodec(),
        new CwcSpecCodec(),
        new HffSpecCodec(),
        new DistanceSpecCodec(),
        new MonoForwardSpecCodec(),
        new DendriticSpecCodec(),
        new ProspectiveSpecCodec(),
        new ThreeFactorSpecCodec(),
        new PclSpecCodec(),
        new RecurrentSpecCodec(),
        new PffSpecCodec(),
    }.ToDictionary(c => c.Kind);

    public static WireLayerSpec Pack(LayerSpec s, MessagePackSerializerOptions options)
    {
        var codec = Codecs.GetValueOrDefault(s.Kind) ?? throw new SerializationException($"layer spec: no wire contract for kind '{s.Kind}'");
        var o = s.Optimizer;
        return new WireLayerSpec(s.Kind, s.Index, s.InputSize, s.OutputSize, (int)o.Kind, o.LearningRate, o.Momentum, o.WeightDecay,
            (int)o.Schedule, o.DecayStart, s.Window is { } w ? [w.Start, w.End] : null, codec.Pack(s, options));
    }

    public static LayerSpec Unpack(WireLayerSpec? s, MessagePackSerializerOptions options)
    {
        if (s is null) throw new SerializationException("missing layer spec");
        if (s.Index < 0 || s.InputSize < 1 || s.OutputSize < 1) throw new SerializationException($"layer spec: layer {s.Index} {s.InputSize}→{s.OutputSize}");
        if (s.Window is { } w && (w.Length != 2 || w[0] < 0 || w[1] <= w[0])) throw new SerializationException($"layer spec: epoch window [{string.Join(", ", w)}]");
        var codec = Codecs.GetValueOrDefault(s.Kind ?? "") ?? throw new SerializationException($"layer spec: unknown kind '{s.Kind}'");
        var spec = codec.Unpack(s, s.Body ?? throw new SerializationException("layer spec: missing kind part"), options);
        if (spec.InputSize != s.InputSize || spec.OutputSize != s.OutputSize)
            throw new SerializationException($"layer spec: {s.Kind} layer {s.Index} is {spec.InputSize}→{spec.OutputSize}, the message says {s.InputSize}→{s.OutputSize}");
        return spec;
    }

    internal static T Read<T>(byte[] body, MessagePackSerializerOptions options, string kind)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(body, options) ?? throw new SerializationException($"layer spec: empty {kind} part");
        }
        catch (MessagePackSerializationException e)
        {
            throw new SerializationException($"layer spec: unreadable {kind} part: {e.Message}", e);
        }
    }

    /// <summary>Runs a kind's own option check on arrival; what it rejects becomes a <see cref="SerializationException"/>.</summary>
    internal static void Check(Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"layer spec: {e.Message}", e);
        }
    }

    internal static TEnum E<TEnum>(int value) where TEnum : struct, Enum =>
        Enum.IsDefined(typeof(TEnum), value) ? (TEnum)(object)value : throw new SerializationException($"{typeof(TEnum).Name}: no value {value}");
}

/// <summary>Wire contract of an FF <see cref="Objective"/> (enums as their numbers, checked on arrival).</summary>
[MessagePackObject]
public sealed record WireObjective(
    [property: Key(0)] int Goodness,
    [property: Key(1)] double Threshold,
    [property: Key(2)] int Loss,
    [property: Key(3)] double SymBaAlpha,
    [property: Key(4)] int CollaborationRemedy,
    [property: Key(5)] double CumulativeDivisor)
{
    public static WireObjective Of(Objective o) => new((int)o.Goodness, o.Threshold, (int)o.Loss, o.Alpha, (int)o.Remedy, o.CumulativeDivisor);

    public static Objective Read(WireObjective? o)
    {
        if (o is null) throw new SerializationException("layer spec: missing objective");
        if (!(o.CumulativeDivisor >= 1)) throw new SerializationException($"layer spec: cumulative divisor {o.CumulativeDivisor}");
        return new Objective(LayerSpecWire.E<GoodnessKind>(o.Goodness), o.Threshold, LayerSpecWire.E<LossKind>(o.Loss), o.SymBaAlpha,
            LayerSpecWire.E<CollaborationRemedy>(o.CollaborationRemedy), o.CumulativeDivisor);
    }
}
