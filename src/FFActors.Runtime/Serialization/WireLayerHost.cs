using MessagePack;

namespace FFActors.Runtime.Serialization;

// Wire contracts of placing layers on hosts (Protocol/LayerHostMessages.cs); CreateLayer's own contract, which carries the layer options, is in WireCreateLayer.cs.

/// <summary>Wire contract of LayerCreated.</summary>
[MessagePackObject]
public sealed record WireLayerCreated(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Layer,
    [property: Key(3)] string Actor);

/// <summary>Wire contract of LayerFailed.</summary>
[MessagePackObject]
public sealed record WireLayerFailed(
    [property: Key(0)] string RunId,
    [property: Key(1)] int Generation,
    [property: Key(2)] int Layer,
    [property: Key(3)] string Reason,
    [property: Key(4)] bool NonFinite);

/// <summary>Wire contract of RetireLayers.</summary>
[MessagePackObject]
public sealed record WireRetireLayers(
    [property: Key(0)] string RunId,
    [property: Key(1)] int BelowGeneration);

/// <summary>Wire contract of DescribeHost.</summary>
[MessagePackObject]
public sealed record WireDescribeHost(
    [property: Key(0)] string RunId);

/// <summary>Wire contract of LayerHostInfo.</summary>
[MessagePackObject]
public sealed record WireLayerHostInfo(
    [property: Key(0)] string NodeName,
    [property: Key(1)] long MaximumFrameSize);
