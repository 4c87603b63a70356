// SPDX-License-Identifier: MIT
#include "replay-source.h"

#include <linux/input.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <ctime>

namespace tactus {

namespace {

// Frames handed over per loop iteration in as-fast-as-possible mode: large
// enough to be quick, small enough that signals and bus calls still get
// through while a long recording plays.
constexpr size_t kFramesPerStep = 512;

uint64_t nowMonotonicUsec()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

} // namespace

ReplayInputSource::ReplayInputSource(Recording recording, bool realTime)
    : recording_(std::move(recording)), realTime_(realTime)
{
}

ReplayInputSource::~ReplayInputSource() = default;

std::string ReplayInputSource::describe() const
{
	const char *format = recording_.format == RecordingFormat::Evemu ? "evemu" : "libinput record";
	return "replay of " + recording_.path + " (" + format + ", " + std::to_string(recording_.devices.size()) +
	       " devices, " + std::to_string(recording_.events.size()) + " events" + (realTime_ ? ", real time)" : ")");
}

Result<void> ReplayInputSource::start(sd_event *loop, InputSink &sink)
{
	loop_ = loop;
	sink_ = &sink;
	assemblers_.assign(recording_.devices.size(), FrameAssembler());
	if (!recording_.events.empty())
		firstEventUsec_ = recording_.events.front().event.timeUsec;
	startMonotonic_ = nowMonotonicUsec();

	// Devices of a recording exist from its start: announce them all first,
	// as a live source announces the devices present at start-up.
	for (size_t i = 0; i < recording_.devices.size(); i++)
		sink_->deviceAdded(static_cast<DeviceId>(i + 1), recording_.devices[i].info);

	int r = sd_event_add_defer(loop_, outPtr(stepSource_), onStep, this);
	if (r < 0)
		return makeError(r, "replay defer source");
	sd_event_source_set_description(stepSource_.get(), "replay");
	if (realTime_) {
		sd_event_source_set_enabled(stepSource_.get(), SD_EVENT_OFF);
		// Accuracy 1 us: 0 would mean sd-event's default of 250 ms, far coarser
		// than the rhythm being replayed.
		r = sd_event_add_time(loop_, outPtr(timerSource_), CLOCK_MONOTONIC, startMonotonic_, 1, onTimer, this);
		if (r < 0)
			return makeError(r, "replay timer");
	}
	return {};
}

int ReplayInputSource::onStep(sd_event_source *, void *userdata)
{
	return static_cast<ReplayInputSource *>(userdata)->guardedStep("replay step");
}

int ReplayInputSource::onTimer(sd_event_source *, uint64_t, void *userdata)
{
	return static_cast<ReplayInputSource *>(userdata)->guardedStep("replay timer");
}

int ReplayInputSource::guardedStep(const char *where)
{
	return guardCallback(
		where,
		[this] {
			step();
			return 0;
		},
		[this](const CallbackFault &fault) {
			sink_->callbackFailed(fault);
			// The frame being delivered is lost; the replay goes on with the next.
			sd_event_source *source = realTime_ ? timerSource_.get() : stepSource_.get();
			if (!finished_ && source)
				sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
			return 0;
		});
}

Result<void> ReplayInputSource::setGrab(DeviceId id, bool grab)
{
	if (id == 0 || id > recording_.devices.size())
		return makeError(-ENODEV, "no such device in the recording");
	grabbed_.resize(recording_.devices.size(), false);
	grabbed_[id - 1] = grab;
	return {};
}

bool ReplayInputSource::deliverFrame()
{
	while (next_ < recording_.events.size()) {
		const RecordedEvent &rec = recording_.events[next_++];
		if (assemblers_[rec.device].push(rec.event, [this, &rec](Frame frame) { emit(rec.device, frame); }))
			return true;
	}
	return false;
}

void ReplayInputSource::emit(size_t device, Frame frame)
{
	// A grabbed device's input reaches nobody, tactusd's pipeline included.
	if (device >= grabbed_.size() || !grabbed_[device])
		sink_->frame(static_cast<DeviceId>(device + 1), frame);
}

void ReplayInputSource::step()
{
	if (finished_)
		return;

	if (!realTime_) {
		for (size_t n = 0; n < kFramesPerStep; n++) {
			if (!deliverFrame()) {
				finish();
				return;
			}
		}
		sd_event_source_set_enabled(stepSource_.get(), SD_EVENT_ONESHOT);
		return;
	}

	const uint64_t elapsed = nowMonotonicUsec() - startMonotonic_;
	while (next_ < recording_.events.size() &&
	       recording_.events[next_].event.timeUsec - firstEventUsec_ <= elapsed) {
		if (!deliverFrame())
			break;
	}
	if (next_ >= recording_.events.size()) {
		finish();
		return;
	}
	const uint64_t due = startMonotonic_ + (recording_.events[next_].event.timeUsec - firstEventUsec_);
	sd_event_source_set_time(timerSource_.get(), due);
	sd_event_source_set_enabled(timerSource_.get(), SD_EVENT_ONESHOT);
}

void ReplayInputSource::finish()
{
	finished_ = true;
	// A recording cut off mid-frame still delivers what it has: those
	// events happened (to whoever holds the device, as any frame).
	for (size_t i = 0; i < assemblers_.size(); i++)
		assemblers_[i].flush([this, i](Frame frame) { emit(i, frame); });
	for (size_t i = 0; i < recording_.devices.size(); i++)
		sink_->deviceRemoved(static_cast<DeviceId>(i + 1));
	sink_->sourceFinished();
}

} // namespace tactus
