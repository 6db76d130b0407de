using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>Everything the coordinator is built from.</summary>
/// <param name="Start">Where training starts: the initial state or a checkpoint.</param>
/// <param name="LayerFactory">Tests only: supplies the layer actors (children of the layer keeper) instead of placing them on hosts.</param>
/// <param name="Hosts">Layer hosts to place the layers on (cluster); null = one local host, a child of the coordinator.</param>
/// <param name="LayerNodes">Explicit placement: the node name of each layer's host.</param>
/// <param name="ContiguousWork">Contiguous placement: each layer's work; with neither, round-robin.</param>
internal sealed record CoordinatorSettings(
    string RunId,
    FFConfig Config,
    RuntimeOptions Runtime,
    DataSplits Data,
    Device Device,
    CheckpointStore? Store,
    RunSnapshot Start,
    ITrainingObserver Observer,
    RuntimeHooks? Hooks,
    string LayerDispatcher,
    int LayerThreads,
    int CoordinatorThreads,
    TaskCompletionSource<RunOutcome> Done,
    List<string> Log,
    Func<IUntypedActorContext, int, IActorRef[]>? LayerFactory = null,
    bool StopAtStart = false,
    bool Evaluate = false,
    IReadOnlyList<LayerHostRef>? Hosts = null,
    IReadOnlyList<string>? LayerNodes = null,
    string[]? LayerDispatchers = null,
    IReadOnlyList<double>? ContiguousWork = null);
