using MessagePack;

namespace FFActors.Runtime.Serialization;

// Wire contracts of the requests to one layer and their answers (Protocol/LayerControl.cs), and of the head (Protocol/HeadMessages.cs).

/// <summary>Wire contract of the messages that carry nothing but a stamp: ReleaseLayer, StopTraining, FitHead, ReadWeights.</summary>
[MessagePackObject]
public sealed record WireStampOnly(
    [property: Key(0)] WireStamp Stamp);

/// <summary>Wire contract of SaveCheckpoint.</summary>
[MessagePackObject]
public sealed record WireSaveCheckpoint(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] string CheckpointId);

/// <summary>Wire contract of CheckpointSaved.</summary>
[MessagePackObject]
public sealed record WireCheckpointSaved(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] string CheckpointId,
    [property: Key(3)] byte[] Data);

/// <summary>Wire contract of LayerWeights: the state as parallel arrays of names and tensors.</summary>
[MessagePackObject]
public sealed record WireLayerWeights(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] string[] Names,
    [property: Key(3)] WireTensor[] Values);

/// <summary>Wire contract of LayerReleased.</summary>
[MessagePackObject]
public sealed record WireLayerReleased(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] int Layer,
    [property: Key(2)] byte[] Checkpoint,
    [property: Key(3)] WireLayerTimings Timings);

/// <summary>Wire contract of LayerTimings.</summary>
[MessagePackObject]
public sealed record WireLayerTimings(
    [property: Key(0)] int Layer,
    [property: Key(1)] double ComputeSeconds,
    [property: Key(2)] double HandlerSeconds,
    [property: Key(3)] long Items,
    [property: Key(4)] int MaxQueued,
    [property: Key(5)] int MaxInFlight,
    [property: Key(6)] long ChunksShared = 0,
    [property: Key(7)] long ChunksHelped = 0);

/// <summary>Wire contract of HeadFeatures.</summary>
[MessagePackObject]
public sealed record WireHeadFeatures(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] bool Test,
    [property: Key(2)] WireTensor Features);

/// <summary>Wire contract of HeadAccuracy.</summary>
[MessagePackObject]
public sealed record WireHeadAccuracy(
    [property: Key(0)] WireStamp Stamp,
    [property: Key(1)] double Accuracy);
