using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A layer of two-compartment units. The basal compartment sums the bottom-up input, the apical compartment the
/// label context, and the apical potential gates the soma multiplicatively:
/// <code>
/// c = context of x (unit length: one-hot under a label)      LabelContext
/// b = W_b · norm(bottom-up part of x) + b_b                  basal: layer 0 the image, deeper layers the activities
/// a = W_a · c + b_a                                          apical
/// h = ReLU(b ⊙ σ(a))                                         the gate σ(a) ∈ (0, 1) scales each unit's drive
/// output = [c ‖ h]
/// </code>
/// The seed's <c>dendritic_ff.py</c> has this unit (its apical input an orthogonal label embedding); the sigmoid gain
/// on the feedforward drive is the active-dendrite neuron of Iyer et al. (2022) with one segment, after the apical
/// gain modulation of layer-5 pyramidal cells (Larkum 2013).
/// </summary>
public sealed class DendriticModule : nn.Module<Tensor, Tensor>
{
    readonly Linear basal;
    readonly Linear apical;

    /// <param name="inputSize">Columns of an input row: layer 0 the image (its first <paramref name="classes"/> pixels the label slots), deeper layers the context and the previous layer's units.</param>
    /// <param name="readsImage">Layer 0: the basal compartment reads the whole image with its label slots blanked (with
    /// <paramref name="basalLabel"/>, the overlaid image as it is); deeper layers read the activities after the context.</param>
    /// <param name="basalLabel">Layer 0's basal compartment also sees the label overlay, as in the seed's code.</param>
    public DendriticModule(int inputSize, int units, int classes, bool readsImage, InputNorm inputNorm, Generator init, string name = "dendritic",
        bool basalLabel = false)
        : base(name)
    {
        Classes = classes;
        ReadsImage = readsImage;
        BasalLabel = basalLabel;
        InputNorm = inputNorm;
        int basalInputs = readsImage ? inputSize : inputSize - classes;
        basal = nn.Linear(basalInputs, units);
        apical = nn.Linear(classes, units);
        RegisterComponents();
        // nn.Linear's own distribution, U(−1/√fan_in, 1/√fan_in), from the layer's generator: basal, then apical.
        foreach (var (linear, fanIn) in new[] { (basal, basalInputs), (apical, classes) })
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            UniformInit.Fill(linear.weight!, bound, init);
            UniformInit.Fill(linear.bias!, bound, init);
        }
    }

    public int Classes { get; }

    public bool ReadsImage { get; }

    public bool BasalLabel { get; }

    public InputNorm InputNorm { get; }

    /// <summary>Basal weights [units, basal inputs]: for layer 0, images of the input.</summary>
    public Tensor BasalWeight => basal.weight!;

    /// <summary>Apical weights [units, classes]: column k is the gain pattern label k sets on the units.</summary>
    public Tensor ApicalWeight => apical.weight!;

    public override Tensor forward(Tensor x)
    {
        var context = LabelContext.Of(x, Classes);
        var bottomUp = !ReadsImage ? LabelContext.After(x, Classes) : BasalLabel ? x : LabelContext.Blanked(x, Classes);
        var drive = basal.forward(FFDenseLayer.Normalize(bottomUp, InputNorm));
        var gate = nn.functional.sigmoid(apical.forward(context));
        return LabelContext.Join(context, nn.functional.relu(drive.mul(gate)));
    }
}
