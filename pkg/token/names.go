package token

// ServiceInfo describes one 007 service type.
type ServiceInfo struct {
	Type uint16
	// Name is the snake_case name used in JSON ("rtc", "rtm2", …).
	Name string
	// Title is the human name ("RTC", "ConvoAI", …).
	Title string
	// Privileges maps privilege id to its snake_case name.
	Privileges map[uint16]string
}

var services = map[uint16]ServiceInfo{
	ServiceRTC: {ServiceRTC, "rtc", "RTC", map[uint16]string{1: "join_channel", 2: "publish_audio_stream", 3: "publish_video_stream", 4: "publish_data_stream"}},
	ServiceRTM: {ServiceRTM, "rtm", "RTM", map[uint16]string{1: "login"}},
	ServiceStreaming: {ServiceStreaming, "streaming", "Streaming",
		map[uint16]string{1: "publish_mix_stream", 2: "publish_raw_stream"}},
	ServiceFPA:     {ServiceFPA, "fpa", "FPA", map[uint16]string{1: "login"}},
	ServiceChat:    {ServiceChat, "chat", "Chat", map[uint16]string{1: "user", 2: "app"}},
	ServiceFCDN:    {ServiceFCDN, "fcdn", "FCDN", map[uint16]string{1: "publish", 2: "play"}},
	ServiceAPaaS:   {ServiceAPaaS, "apaas", "APaaS", map[uint16]string{1: "room_user", 2: "user", 3: "app"}},
	ServiceRTM2:    {ServiceRTM2, "rtm2", "RTM2", map[uint16]string{1: "login"}},
	ServiceConvoAI: {ServiceConvoAI, "convoai", "ConvoAI", map[uint16]string{}},
	ServiceSTT:     {ServiceSTT, "stt", "STT", map[uint16]string{}},
}

// LookupService returns the description of a 007 service type.
func LookupService(t uint16) (ServiceInfo, bool) {
	s, ok := services[t]
	return s, ok
}

// knownServices has bit t set for each service type t < 64 in services, so
// that the decoder's per-service check is not a map lookup.
var knownServices = func() (m uint64) {
	for t := range services {
		if t < 64 {
			m |= 1 << t
		}
	}
	return m
}()

// KnownService reports whether t has a known record layout.
func KnownService(t uint16) bool {
	if t < 64 {
		return knownServices>>t&1 != 0
	}
	_, ok := services[t]
	return ok
}

// ServiceName is the snake_case name of a service type, or "unknown".
func ServiceName(t uint16) string {
	if s, ok := services[t]; ok {
		return s.Name
	}
	return "unknown"
}

// PrivilegeName is the snake_case name of a 007 privilege of a service, or "unknown".
func PrivilegeName(service, id uint16) string {
	if s, ok := services[service]; ok {
		if n, ok := s.Privileges[id]; ok {
			return n
		}
	}
	return "unknown"
}

var privileges006 = map[uint16]string{
	Priv006JoinChannel:  "join_channel",
	Priv006PublishAudio: "publish_audio_stream",
	Priv006PublishVideo: "publish_video_stream",
	Priv006PublishData:  "publish_data_stream",
	Priv006Admin:        "administrate_channel",
	Priv006RTMLogin:     "rtm_login",
}

// Privilege006Name is the snake_case name of a 006 privilege id, or "unknown".
func Privilege006Name(id uint16) string {
	if n, ok := privileges006[id]; ok {
		return n
	}
	return "unknown"
}

var resourceTypes = map[uint16]string{0: "message_channels", 1: "stream_channels", 2: "group_channels", 3: "server_groups", 4: "users"}
var permissionTypes = map[uint16]string{0: "read", 1: "write"}

// RTM2ResourceName names an RTM2 resource type, or "unknown".
func RTM2ResourceName(t uint16) string {
	if n, ok := resourceTypes[t]; ok {
		return n
	}
	return "unknown"
}

// RTM2PermissionName names an RTM2 permission type, or "unknown".
func RTM2PermissionName(t uint16) string {
	if n, ok := permissionTypes[t]; ok {
		return n
	}
	return "unknown"
}

// UIDText converts a numeric uid to the text 006 and 007 carry: 0 becomes the
// empty string, anything else its plain decimal form.
func UIDText(uid uint32) string {
	if uid == 0 {
		return ""
	}
	return uitoa(uint64(uid))
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}
