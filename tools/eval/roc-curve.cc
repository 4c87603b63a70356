// SPDX-License-Identifier: MIT
#include "roc-curve.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>

namespace tactus {

RocSummary summarizeRoc(std::vector<double> genuine, std::vector<double> impostor)
{
	RocSummary s;
	s.genuine = genuine.size();
	s.impostor = impostor.size();
	if (genuine.empty() || impostor.empty())
		return s;
	std::sort(genuine.begin(), genuine.end());
	std::sort(impostor.begin(), impostor.end());
	// Sweep thresholds upwards: accepted = score <= threshold.
	std::vector<double> thr;
	thr.reserve(genuine.size() + impostor.size());
	std::merge(genuine.begin(), genuine.end(), impostor.begin(), impostor.end(), std::back_inserter(thr));
	thr.erase(std::unique(thr.begin(), thr.end()), thr.end());
	const double ng = static_cast<double>(genuine.size()), ni = static_cast<double>(impostor.size());
	s.roc.push_back({0, 0});
	size_t gi = 0, ii = 0;
	double auc = 0;
	bool eerFound = false;
	for (double t : thr) {
		while (gi < genuine.size() && genuine[gi] <= t)
			gi++;
		while (ii < impostor.size() && impostor[ii] <= t)
			ii++;
		const RocPoint p{static_cast<double>(ii) / ni, static_cast<double>(gi) / ng};
		const RocPoint &q = s.roc.back();
		auc += (p.far - q.far) * (p.tar + q.tar) / 2; // trapezoid: ties count half
		// FRR = 1 − tar falls, FAR rises: the EER is where they cross.
		const double dPrev = (1 - q.tar) - q.far, dNow = (1 - p.tar) - p.far;
		if (!eerFound && dNow <= 0) {
			const double w = dPrev - dNow > 0 ? dPrev / (dPrev - dNow) : 0;
			s.eer = q.far + w * (p.far - q.far);
			eerFound = true;
		}
		s.roc.push_back(p);
	}
	s.auc = auc;
	return s;
}

bool writeRocSvg(const std::string &path, const std::string &title, const std::vector<RocSeries> &series)
{
	std::ofstream f(path);
	if (!f)
		return false;
	const double W = 520, H = 520, m = 60;
	auto X = [&](double v) { return m + v * (W - 2 * m); };
	auto Y = [&](double v) { return H - m - v * (H - 2 * m); };
	static constexpr std::array<const char *, 6> kColours = {"#1f5fbf", "#d0661b", "#2a9d3a",
								 "#b8243a", "#7a4fbf", "#555555"};
	char buf[512];
	f << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
	  << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
	f << "<text x=\"" << W / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" << title << "</text>\n";
	for (int i = 0; i <= 10; i += 2) {
		const double v = i / 10.0;
		snprintf(buf, sizeof buf,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>"
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
			 X(v), Y(0), X(v), Y(1), X(0), Y(v), X(1), Y(v), X(v), H - m + 16, v, m - 4, Y(v) + 4, v);
		f << buf;
	}
	snprintf(buf, sizeof buf,
		 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n"
		 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#aaa\" stroke-dasharray=\"4 4\"/>\n",
		 m, m, W - 2 * m, H - 2 * m, X(0), Y(0), X(1), Y(1));
	f << buf;
	f << "<text x=\"" << W / 2 << "\" y=\"" << H - 16
	  << "\" text-anchor=\"middle\">false accept rate</text>\n<text x=\"16\" y=\"" << H / 2
	  << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " << H / 2 << ")\">true accept rate</text>\n";
	for (size_t k = 0; k < series.size(); k++) {
		const char *colour = kColours[k % kColours.size()];
		f << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
		for (const RocPoint &p : series[k].roc) {
			snprintf(buf, sizeof buf, "%.1f,%.1f ", X(std::clamp(p.far, 0.0, 1.0)),
				 Y(std::clamp(p.tar, 0.0, 1.0)));
			f << buf;
		}
		f << "\"/>\n";
		snprintf(buf, sizeof buf,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\">",
			 X(0.45), Y(0.30 - 0.06 * k), X(0.52), Y(0.30 - 0.06 * k), colour, X(0.54),
			 Y(0.30 - 0.06 * k) + 4);
		f << buf << series[k].label << "</text>\n";
	}
	f << "</svg>\n";
	return static_cast<bool>(f);
}

} // namespace tactus
