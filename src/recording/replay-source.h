// SPDX-License-Identifier: MIT
#pragma once

#include "frame-assembler.h"
#include "input-source.h"
#include "recording.h"
#include "sd-ptr.h"

#include <vector>

namespace tactus {

/**
 * Plays a Recording into an InputSink with the recorded timestamps, so the
 * pipeline sees exactly what it would have seen live. As fast as possible by
 * default (evaluation, tests); paced to the recorded gaps with realTime.
 */
class ReplayInputSource final : public InputSource {
public:
	explicit ReplayInputSource(Recording recording, bool realTime = false);
	~ReplayInputSource() override;

	Result<void> start(sd_event *loop, InputSink &sink) override;
	std::string describe() const override;
	/** CLOCK_MONOTONIC (us) the replay began at; with realTime an event is due at
	 *  this plus its offset from the recording's first event. 0 before start(). */
	uint64_t startMonotonicUsec() const { return startMonotonic_; }
	Result<void> setGrab(DeviceId id, bool grab) override;

private:
	static int onStep(sd_event_source *source, void *userdata);
	int guardedStep(const char *where);
	static int onTimer(sd_event_source *source, uint64_t usec, void *userdata);
	void step();
	void finish();
	/** Deliver events until the next frame boundary; false at end of recording. */
	bool deliverFrame();
	void emit(size_t device, Frame frame);
	void scheduleNext();

	Recording recording_;
	bool realTime_;
	sd_event *loop_ = nullptr;
	InputSink *sink_ = nullptr;
	SdEventSourcePtr stepSource_;
	SdEventSourcePtr timerSource_;
	size_t next_ = 0;
	uint64_t startMonotonic_ = 0; ///< CLOCK_MONOTONIC when replay began (realTime)
	uint64_t firstEventUsec_ = 0;
	/** Per device: frames are cut exactly as a live device's are (long frames in pieces). */
	std::vector<FrameAssembler> assemblers_;
	bool finished_ = false;
	std::vector<bool> grabbed_; ///< per device: frames are dropped, as a grab would
};

} // namespace tactus
