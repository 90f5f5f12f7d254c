namespace AlpacaFarm.Abstractions.Preferences;

/// <summary>How many labels a method may still ask for.</summary>
public sealed record PreferenceBudget(int LabelLimit, int LabelsDelivered, double DollarsSpent)
{
    public int Remaining => Math.Max(0, LabelLimit - LabelsDelivered);
}
