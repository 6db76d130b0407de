using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization.Layers;
using MessagePack;
using MessagePack.Resolvers;
using static TorchSharp.torch;

namespace FFActors.Runtime.Serialization;

/// <summary>
/// The wire format of every protocol message (<see cref="IWireMessage"/>): MessagePack with an
/// explicit contract per message (the <c>Wire*</c> records), chosen by a short string manifest. Only
/// those contracts are known: the manifest picks one of them or the message is refused, and nothing
/// read from the wire ever names a .NET type (no typeless or contractless resolver).
/// <para>
/// Tensors travel as raw bytes (<see cref="WireTensor"/>), on a cluster member the large ones through
/// its data plane (<see cref="Transport.DataPlane"/>); activations optionally narrowed to
/// <c>ffactors.wire.activation-precision</c>. Serializing a message hands its tensors over: they are
/// disposed once their bytes are written, just as a local receiver would dispose them.
/// </para>
/// <para>
/// Anything that cannot be read (unknown manifest, truncated or corrupted bytes, impossible values)
/// raises <see cref="SerializationException"/>; Akka then drops and logs that one message and the
/// connection stays up. A message larger than <c>akka.remote.dot-netty.tcp.maximum-frame-size</c>
/// raises <see cref="WireFrameException"/> naming its size and the limit, instead of being dropped
/// by the transport with a bare log line.
/// </para>
/// </summary>
public sealed class WireSerializer : SerializerWithStringManifest
{
    /// <summary>Akka serializer id (above 100, the range reserved for Akka's own; not 151 or 771, which are taken).</summary>
    public const int Id = 7331;

    public const string PrecisionPath = "ffactors.wire.activation-precision";
    public const string FramePath = "akka.remote.dot-netty.tcp.maximum-frame-size";

    /// <summary>Bytes the transport adds around a payload (envelope, paths, manifest): kept free below the frame limit.</summary>
    public const long EnvelopeReserve = 16 * 1024;

    internal static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        // DynamicGenericResolver: arrays of contracts (a batch's named signals, a probe's demands); it reads no type names either.
        .WithResolver(CompositeResolver.Create(BuiltinResolver.Instance, AttributeFormatterResolver.Instance, DynamicGenericResolver.Instance,
            DynamicObjectResolver.Instance))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    readonly WirePrecision precision;
    readonly long maximumFrame;
    readonly Lazy<Transport.DataPlane?> plane;

    public WireSerializer(ExtendedActorSystem system) : base(system)
    {
        var config = system.Settings.Config;
        precision = ParsePrecision(config.GetString(PrecisionPath, "float32"));
        maximumFrame = config.HasPath(FramePath) ? config.GetByteSize(FramePath) ?? 0 : 0;
        plane = new(() => Transport.DataPlane.For(system));
    }

    public override int Identifier => Id;

    public WirePrecision Precision => precision;

    public static WirePrecision ParsePrecision(string value) => value switch
    {
        "float32" => WirePrecision.Float32,
        "float16" => WirePrecision.Float16,
        "bfloat16" => WirePrecision.BFloat16,
        _ => throw new ArgumentException($"{PrecisionPath}: '{value}' is not float32, float16 or bfloat16"),
    };

    public override string Manifest(object o) => o switch
    {
        TrainBatch => "TB",
        ProbeBatch => "PB",
        ScoreBatch => "SB",
        FeatureBatch => "FB",
        NeighbourState => "NS",
        Credit => "CR",
        LayerStepped => "LS",
        ProbeReport => "PR",
        ScoreGoodness => "SG",
        SaveCheckpoint => "SC",
        CheckpointSaved => "CS",
        ReleaseLayer => "RL",
        LayerReleased => "LR",
        StopTraining => "ST",
        LayerFeatures => "LF",
        HeadFeatures => "HF",
        FitHead => "FH",
        HeadAccuracy => "HA",
        CreateLayer => "CL",
        LayerCreated => "LC",
        LayerFailed => "LX",
        RetireLayers => "RT",
        DescribeHost => "DH",
        LayerHostInfo => "HI",
        ReadWeights => "RW",
        LayerWeights => "LW",
        _ => throw new SerializationException($"{o.GetType().FullName} has no wire contract"),
    };

    public override byte[] ToBinary(object obj)
    {
        byte[] bytes;
        // Converted copies (narrowed activations) live until the bytes are written.
        using var scope = NewDisposeScope();
        try
        {
            bytes = obj switch
            {
                TrainBatch m => Pack(new WireTrainBatch(S(m.Stamp), A(m.Positive), A(m.Negative), m.Signals?.Keys.ToArray(),
                    m.Signals?.Values.Select(v => T(v)!).ToArray(), T(m.Labels))),
                ProbeBatch m => Pack(new WireProbeBatch(S(m.Stamp), A(m.Positive), A(m.Negative),
                    m.Demands.Select(d => new WireSignalDemand(d.Kind, d.Sources)).ToArray())),
                ScoreBatch m => Pack(new WireScoreBatch(S(m.Stamp), m.Label, A(m.Input), m.Deepest, m.ReportMask)),
                FeatureBatch m => Pack(new WireFeatureBatch(S(m.Stamp), A(m.Input), m.Deepest, m.ReportMask)),
                NeighbourState m => Pack(new WireNeighbourState(S(m.Stamp), m.Pass, m.Iteration, m.Layer, A(m.Positive), m.Negative is null ? null : A(m.Negative))),
                Credit m => Pack(new WireCredit(S(m.Stamp), m.Layer)),
                LayerStepped m => Pack(new WireLayerStepped(S(m.Stamp), m.Layer,
                    [m.Stats.Loss, m.Stats.GoodPos, m.Stats.GoodNeg, m.Stats.Separation, m.Stats.DeadUnits], T(m.GoodPositive), T(m.GoodNegative))),
                ProbeReport m => Pack(new WireProbeReport(S(m.Stamp), m.Layer, m.Kinds, m.Values.Select(v => T(v)!).ToArray())),
                ScoreGoodness m => Pack(new WireScoreGoodness(S(m.Stamp), m.Label, m.Layer, T(m.Goodness)!)),
                SaveCheckpoint m => Pack(new WireSaveCheckpoint(S(m.Stamp), m.CheckpointId)),
                CheckpointSaved m => Pack(new WireCheckpointSaved(S(m.Stamp), m.Layer, m.CheckpointId, m.Data)),
                ReleaseLayer m => Pack(new WireStampOnly(S(m.Stamp))),
                LayerReleased m => Pack(new WireLayerReleased(S(m.Stamp), m.Layer, m.Checkpoint, new WireLayerTimings(m.Timings.Layer,
                    m.Timings.ComputeSeconds, m.Timings.HandlerSeconds, m.Timings.Items, m.Timings.MaxQueued, m.Timings.MaxInFlight,
                    m.Timings.ChunksShared, m.Timings.ChunksHelped))),
                StopTraining m => Pack(new WireStampOnly(S(m.Stamp))),
                LayerFeatures m => Pack(new WireLayerFeatures(S(m.Stamp), m.Layer, T(m.Features)!)),
                ReadWeights m => Pack(new WireStampOnly(S(m.Stamp))),
                LayerWeights m => Pack(new WireLayerWeights(S(m.Stamp), m.Layer, m.State.Keys.ToArray(), m.State.Values.Select(v => T(v)!).ToArray())),
                HeadFeatures m => Pack(new WireHeadFeatures(S(m.Stamp), m.Test, T(m.Features)!)),
                FitHead m => Pack(new WireStampOnly(S(m.Stamp))),
                HeadAccuracy m => Pack(new WireHeadAccuracy(S(m.Stamp), m.Accuracy)),
                CreateLayer m => Pack(new WireCreateLayer(m.RunId, m.Generation, LayerSpecWire.Pack(m.Options, Options), m.Seed, m.Epochs, m.CreditWindow, m.Threads,
                    Path(m.Coordinator), m.Downstream is null ? null : Path(m.Downstream), m.Checkpoint, m.ReportGoodness)),
                LayerCreated m => Pack(new WireLayerCreated(m.RunId, m.Generation, m.Layer, Path(m.Actor))),
                LayerFailed m => Pack(new WireLayerFailed(m.RunId, m.Generation, m.Layer, m.Reason, m.NonFinite)),
                RetireLayers m => Pack(new WireRetireLayers(m.RunId, m.BelowGeneration)),
                DescribeHost m => Pack(new WireDescribeHost(m.RunId)),
                LayerHostInfo m => Pack(new WireLayerHostInfo(m.NodeName, m.MaximumFrameSize)),
                _ => throw new SerializationException($"{obj.GetType().FullName} has no wire contract"),
            };
        }
        finally
        {
            // The receiver owns a message's tensors; on the wire the receiver gets copies, so the originals end here.
            if (obj is IDisposable owned and IWireMessage) owned.Dispose();
        }
        if (maximumFrame > 0 && bytes.LongLength > maximumFrame - EnvelopeReserve)
            throw new WireFrameException(obj, bytes.LongLength, maximumFrame);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return manifest switch
            {
                "TB" => Read<WireTrainBatch>(bytes, m => Owned(() => new TrainBatch(S(m.Stamp), R(m.Positive), R(m.Negative), Named("TrainBatch", m.SignalNames, m.SignalValues), RN(m.Labels)))),
                "PB" => Read<WireProbeBatch>(bytes, m => Owned(() => new ProbeBatch(S(m.Stamp), R(m.Positive), R(m.Negative),
                    (m.Demands ?? throw Missing("demands")).Select(d => new SignalDemand(Str(d?.Kind), d?.Sources ?? throw Missing("sources"))).ToArray()))),
                "SB" => Read<WireScoreBatch>(bytes, m => Owned(() => new ScoreBatch(S(m.Stamp), m.Label, R(m.Input), m.Deepest, m.ReportMask))),
                "FB" => Read<WireFeatureBatch>(bytes, m => Owned(() => new FeatureBatch(S(m.Stamp), R(m.Input), m.Deepest, m.ReportMask))),
                "NS" => Read<WireNeighbourState>(bytes, m => m.Iteration < 0 || m.Layer < 0 || m.Pass < NeighbourState.Features
                    ? throw new SerializationException($"NeighbourState: iteration {m.Iteration}, layer {m.Layer}, pass {m.Pass}")
                    : Owned(() => new NeighbourState(S(m.Stamp), m.Pass, m.Iteration, m.Layer, R(m.Positive), RN(m.Negative)))),
                "CR" => Read<WireCredit>(bytes, m => new Credit(S(m.Stamp), m.Layer)),
                "LS" => Read<WireLayerStepped>(bytes, m =>
                {
                    if (m.Stats is not { Length: 5 } v) throw new SerializationException("LayerStepped: expected 5 statistics");
                    return Owned(() => new LayerStepped(S(m.Stamp), m.Layer, new LayerStepStats(v[0], v[1], v[2], v[3], v[4]), RN(m.GoodPositive), RN(m.GoodNegative)));
                }),
                "PR" => Read<WireProbeReport>(bytes, m =>
                {
                    if (m.Kinds is null || m.Values is null || m.Kinds.Length != m.Values.Length) throw new SerializationException("ProbeReport: kinds and values differ in number");
                    return Owned(() => new ProbeReport(S(m.Stamp), m.Layer, m.Kinds.Select(Str).ToArray(), m.Values.Select(R).ToArray()));
                }),
                "SG" => Read<WireScoreGoodness>(bytes, m => Owned(() => new ScoreGoodness(S(m.Stamp), m.Label, m.Layer, R(m.Goodness)))),
                "SC" => Read<WireSaveCheckpoint>(bytes, m => new SaveCheckpoint(S(m.Stamp), Str(m.CheckpointId))),
                "CS" => Read<WireCheckpointSaved>(bytes, m => new CheckpointSaved(S(m.Stamp), m.Layer, Str(m.CheckpointId), m.Data ?? throw Missing("checkpoint data"))),
                "RL" => Read<WireStampOnly>(bytes, m => new ReleaseLayer(S(m.Stamp))),
                "LR" => Read<WireLayerReleased>(bytes, m =>
                {
                    var t = m.Timings ?? throw Missing("timings");
                    return new LayerReleased(S(m.Stamp), m.Layer, m.Checkpoint ?? throw Missing("checkpoint"),
                        new LayerTimings(t.Layer, t.ComputeSeconds, t.HandlerSeconds, t.Items, t.MaxQueued, t.MaxInFlight, t.ChunksShared, t.ChunksHelped));
                }),
                "ST" => Read<WireStampOnly>(bytes, m => new StopTraining(S(m.Stamp))),
                "LF" => Read<WireLayerFeatures>(bytes, m => Owned(() => new LayerFeatures(S(m.Stamp), m.Layer, R(m.Features)))),
                "RW" => Read<WireStampOnly>(bytes, m => new ReadWeights(S(m.Stamp))),
                "LW" => Read<WireLayerWeights>(bytes, m => Owned(() => new LayerWeights(S(m.Stamp), m.Layer,
                    Named("LayerWeights", m.Names, m.Values) ?? throw Missing("layer state")))),
                "HF" => Read<WireHeadFeatures>(bytes, m => Owned(() => new HeadFeatures(S(m.Stamp), m.Test, R(m.Features)))),
                "FH" => Read<WireStampOnly>(bytes, m => new FitHead(S(m.Stamp))),
                "HA" => Read<WireHeadAccuracy>(bytes, m => new HeadAccuracy(S(m.Stamp), m.Accuracy)),
                "CL" => Read<WireCreateLayer>(bytes, m => new CreateLayer(Str(m.RunId), m.Generation, LayerSpecWire.Unpack(m.Options, Options), m.Seed, m.Epochs,
                    m.CreditWindow, m.Threads, Ref(m.Coordinator), m.Downstream is null ? null : Ref(m.Downstream), m.Checkpoint, m.ReportGoodness)),
                "LC" => Read<WireLayerCreated>(bytes, m => new LayerCreated(Str(m.RunId), m.Generation, m.Layer, Ref(m.Actor))),
                "LX" => Read<WireLayerFailed>(bytes, m => new LayerFailed(Str(m.RunId), m.Generation, m.Layer, Str(m.Reason), m.NonFinite)),
                "RT" => Read<WireRetireLayers>(bytes, m => new RetireLayers(Str(m.RunId), m.BelowGeneration)),
                "DH" => Read<WireDescribeHost>(bytes, m => new DescribeHost(Str(m.RunId))),
                "HI" => Read<WireLayerHostInfo>(bytes, m => new LayerHostInfo(Str(m.NodeName), m.MaximumFrameSize)),
                _ => throw new SerializationException($"unknown wire manifest '{manifest}'"),
            };
        }
        catch (SerializationException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SerializationException($"malformed '{manifest}' message ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    static byte[] Pack<T>(T dto) => MessagePackSerializer.Serialize(dto, Options);

    static object Read<T>(byte[] bytes, Func<T, object> map) where T : class
    {
        var dto = MessagePackSerializer.Deserialize<T>(bytes, Options, out int read);
        if (read != bytes.Length) throw new SerializationException($"{bytes.Length - read} bytes after the message");
        return map(dto ?? throw new SerializationException("message is nil"));
    }

    /// <summary>Builds a message from freshly decoded tensors; if a later field fails, the earlier tensors are freed.</summary>
    static object Owned(Func<object> build)
    {
        using var scope = NewDisposeScope();
        var message = build();
        scope.Detach(scope.DisposablesView.ToArray());
        return message;
    }

    static SerializationException Missing(string what) => new($"{what} missing");

    static string Str(string? s) => s ?? throw Missing("string");

    static WireStamp S(Stamp s) => new(s.RunId, s.Generation, s.Epoch, s.Batch);

    static Stamp S(WireStamp? s) => s is null ? throw Missing("stamp") : new(Str(s.RunId), s.Generation, s.Epoch, s.Batch);

    /// <summary>An activation: narrowed to the configured precision.</summary>
    WireTensor A(Tensor t) => WireTensor.From(t, precision, plane.Value);

    WireTensor? T(Tensor? t) => t is null ? null : WireTensor.From(t, plane: plane.Value);

    Tensor R(WireTensor? t) => (t ?? throw Missing("tensor")).ToTensor(plane.Value);

    Tensor? RN(WireTensor? t) => t?.ToTensor(plane.Value);

    /// <summary>Named tensors from their parallel arrays (a batch's signals, a layer's state); both null = none; names must be distinct.</summary>
    Dictionary<string, Tensor>? Named(string message, string[]? names, WireTensor[]? values)
    {
        if (names is null && values is null) return null;
        if (names is null || values is null || names.Length != values.Length) throw new SerializationException($"{message}: names and tensors differ in number");
        var named = new Dictionary<string, Tensor>();
        for (int i = 0; i < names.Length; i++)
            if (!named.TryAdd(Str(names[i]), R(values[i]))) throw new SerializationException($"{message}: '{names[i]}' twice");
        return named;
    }

    string Path(IActorRef actor) => Akka.Serialization.Serialization.SerializedActorPath(actor);

    IActorRef Ref(string? path) => system.Provider.ResolveActorRef(path ?? throw Missing("actor path"));

    static TEnum E<TEnum>(int value) where TEnum : struct, Enum =>
        Enum.IsDefined(typeof(TEnum), value) ? (TEnum)(object)value : throw new SerializationException($"{typeof(TEnum).Name}: no value {value}");
}
