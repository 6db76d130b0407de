using Akka.Actor;
using FFActors.Core.Layers;

namespace FFActors.Runtime.Protocol;

// The run supervisor and the layer keeper, which alone deals with the layer hosts: it places each
// generation's layers, watches them and their hosts, retires old generations and gathers the trained
// layers at the end. The hosts send their failure reports (LayerFailed) to it directly.

/// <summary>Place generation <paramref name="Generation"/>'s layers, loaded from checkpoint
/// <paramref name="CheckpointId"/> or fresh from the seed; older generations are retired and a placement
/// in progress is given up. Answered by <see cref="LayersPlaced"/>, or by <see cref="LayerLost"/>.</summary>
internal sealed record PlaceLayers(int Generation, string? CheckpointId) : INoSerializationVerificationNeeded;

/// <summary>Every layer of <paramref name="Generation"/> is up (and watched by the keeper).</summary>
internal sealed record LayersPlaced(int Generation, IActorRef[] Layers) : INoSerializationVerificationNeeded;

/// <summary>Layer <paramref name="Layer"/> of <paramref name="Generation"/> is gone (it failed, stopped, or its
/// host or node did, or it was never created); <paramref name="HostsLeft"/> layer hosts are still there.
/// <paramref name="NonFinite"/>: it failed on a NaN or infinite result.</summary>
internal sealed record LayerLost(int Generation, int Layer, string Reason, int HostsLeft, bool NonFinite = false) : INoSerializationVerificationNeeded;

/// <summary>The run is over: stop every layer of it on every host.</summary>
internal sealed record RetireAllLayers : INoSerializationVerificationNeeded;

/// <summary>Ask every layer of the current generation to hand itself over (<see cref="ReleaseLayer"/>);
/// answered by <see cref="LayersGathered"/>, or by <see cref="LayerLost"/> if one stops before it does.</summary>
internal sealed record GatherLayers(Stamp Stamp) : INoSerializationVerificationNeeded;

/// <summary>The trained layers, rebuilt from what each layer actor handed over, and each one's timings.</summary>
internal sealed record LayersGathered(IFFLayer[] Layers, LayerTimings[] Timings) : INoSerializationVerificationNeeded;
