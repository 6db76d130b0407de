using MessagePack;

namespace FFActors.Runtime.Serialization;

// Wire contracts of the layer chain (Protocol/LayerWork.cs): the stamp, the work items, credits and the layers' reports.

/// <summary>Wire contract of Stamp of every message.</summary>
[MessagePackObject]
public sealed record WireStamp(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Epoch,
    [property: Key(3)] int Batch);

/// <summary>Wire contract of TrainBatch: its signals as parallel arrays of names and tensors (none: both null).</summary>
[MessagePackObject]
public sealed record WireTrainBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Positive,
    [property: Key(2)] WireTensor Negative,
    [property: Key(3)] string[]? SignalNames,
    [property: Key(4)] WireTensor[]? SignalValues,
    [property: Key(5)] WireTensor? Labels);

/// <summary>Wire contract of a SignalDemand.</summary>
[MessagePackObject]
public sealed record WireSignalDemand(
    [property: Key(0)] string Kind,
    [property: Key(1)] int[] Sources);

/// <summary>Wire contract of ProbeBatch.</summary>
[MessagePackObject]
public sealed record WireProbeBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Positive,
    [property: Key(2)] WireTensor Negative,
    [property: Key(3)] WireSignalDemand[] Demands);

/// <summary>Wire contract of ScoreBatch.</summary>
[MessagePackObject]
public sealed record WireScoreBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Label,
    [property: Key(2)] WireTensor Input,
    [property: Key(3)] int Deepest,
    [property: Key(4)] long ReportMask);

/// <summary>Wire contract of FeatureBatch.</summary>
[MessagePackObject]
public sealed record WireFeatureBatch(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] WireTensor Input,
    [property: Key(2)] int Deepest,
    [property: Key(3)] long ReportMask);

/// <summary>Wire contract of Credit.</summary>
[MessagePackObject]
public sealed record WireCredit(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer);

/// <summary>Wire contract of LayerStepped; Stats = loss, goodness+, goodness−, separation, dead units.</summary>
[MessagePackObject]
public sealed record WireLayerStepped(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] double[] Stats,
    [property: Key(3)] WireTensor? GoodPositive,
    [property: Key(4)] WireTensor? GoodNegative);

/// <summary>Wire contract of ProbeReport: Values[i] is the signal of kind Kinds[i].</summary>
[MessagePackObject]
public sealed record WireProbeReport(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] string[] Kinds,
    [property: Key(3)] WireTensor[] Values);

/// <summary>Wire contract of ScoreGoodness.</summary>
[MessagePackObject]
public sealed record WireScoreGoodness(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Label,
    [property: Key(2)] int Layer,
    [property: Key(3)] WireTensor Goodness);

/// <summary>Wire contract of LayerFeatures.</summary>
[MessagePackObject]
public sealed record WireLayerFeatures(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] WireTensor Features);

/// <summary>Wire contract of NeighbourState (the states of synchronous iterations, up and down the layers).</summary>
[MessagePackObject]
public sealed record WireNeighbourState(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Pass,
    [property: Key(2)] int Iteration,
    [property: Key(3)] int Layer,
    [property: Key(4)] WireTensor Positive,
    [property: Key(5)] WireTensor? Negative);
