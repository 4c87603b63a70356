// SPDX-License-Identifier: MIT
#pragma once

// Verification error rates from scores and their ROC plot, for tactus-eval
// verbs that score genuine and impostor attempts (pointer so far). Scores:
// higher = more likely an impostor.

#include <string>
#include <vector>

namespace tactus {

/** One point of a ROC curve. */
struct RocPoint {
	double far = 0; ///< false accept rate: impostor attempts scored at or below the threshold
	double tar = 0; ///< true accept rate: genuine attempts at or below it (1 − FRR)
};

/** Error rates of one set of genuine and impostor scores. */
struct RocSummary {
	size_t genuine = 0, impostor = 0;
	double auc = 0;            ///< area under the ROC: P(impostor score > genuine score), ties half
	double eer = 0;            ///< equal error rate (FAR = FRR, interpolated between thresholds)
	std::vector<RocPoint> roc; ///< from (0, 0) to (1, 1), one point per distinct threshold
};

/** AUC, EER and the ROC curve; both sets must be non-empty (else all zero). */
RocSummary summarizeRoc(std::vector<double> genuine, std::vector<double> impostor);

/** One labelled curve of a plot. */
struct RocSeries {
	std::string label; ///< legend text, e.g. "per session (AUC 0.95)"
	std::vector<RocPoint> roc;
};

/** A ROC plot (false accept rate vs true accept rate, linear axes) as SVG; false if it cannot be written. */
bool writeRocSvg(const std::string &path, const std::string &title, const std::vector<RocSeries> &series);

} // namespace tactus
