using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>What a layer host is built from.</summary>
/// <param name="NodeName">The name the explicit placement map uses for this node.</param>
/// <param name="Dispatcher">Dispatcher of the layer actors it creates.</param>
/// <param name="Hooks">Test hooks handed to its layers (process-local: never sent over the wire).</param>
/// <param name="MaximumFrameSize">This node's transport frame limit (0 = local, no limit), reported to the coordinator.</param>
/// <param name="LayerDispatchers">Per layer index, the dispatcher (pipeline lane) to use instead of <paramref name="Dispatcher"/>; a local run's host only.</param>
/// <param name="WorkSharing">Let the layers of a run on this host run each other's matmul chunks when their own thread is idle (<c>runtime.work-sharing</c>).</param>
internal sealed record LayerHostSettings(string NodeName, Device Device, string Dispatcher, RuntimeHooks? Hooks = null, long MaximumFrameSize = 0,
    IReadOnlyList<string>? LayerDispatchers = null, bool WorkSharing = false);
