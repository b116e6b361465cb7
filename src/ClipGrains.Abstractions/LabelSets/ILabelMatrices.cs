namespace ClipGrains.Abstractions.LabelSets;

/// <summary>A silo's hot label matrices: a set's current info and, when it is ready, its matrix.</summary>
public interface ILabelMatrices
{
    /// <summary>The set's current info (null when it does not exist) and its matrix when it is ready.</summary>
    Task<(LabelSetInfo? Info, LabelMatrix? Matrix)> GetAsync(string tenant, string name);
}
