using AlpacaFarm.Runner.Sandbox;

namespace AlpacaFarm.Tests.Sandbox;

/// <summary>A fact that needs bubblewrap (CI installs it): skipped, with the reason, where no sandbox can be made.</summary>
public sealed class SandboxFactAttribute : FactAttribute
{
    public SandboxFactAttribute()
    {
        if (Bubblewrap.Available is null) Skip = Bubblewrap.Unavailable;
    }
}

/// <summary>A theory that needs bubblewrap: skipped, with the reason, where no sandbox can be made.</summary>
public sealed class SandboxTheoryAttribute : TheoryAttribute
{
    public SandboxTheoryAttribute()
    {
        if (Bubblewrap.Available is null) Skip = Bubblewrap.Unavailable;
    }
}
