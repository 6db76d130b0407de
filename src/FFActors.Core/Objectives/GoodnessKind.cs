namespace FFActors.Core.Objectives;

/// <summary>Goodness of an activity vector h: Σ h² (Hinton) or mean h² (mpezeshki).</summary>
public enum GoodnessKind { Sum, Mean }
