<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CallHeaderView</name>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy CRN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the CRN to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dialed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built from: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>still running or unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 microseconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no problems found</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>⚠ %n problem(s) in the records</source>
        <translation>
            <numerusform>⚠ %n problem in the records</numerusform>
            <numerusform>⚠ %n problems in the records</numerusform>
        </translation>
    </message>
    <message>
        <source>CRN copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ended by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not in the records</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallSummaryModel</name>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>d MMM yyyy HH:mm</source>
        <extracomment>QDateTime format of a call&apos;s start in the lists of calls</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call %1, %2, from %3, %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1+ calls</source>
        <extracomment>The number of calls loaded while the server has more pages</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1, %n not found</source>
        <extracomment>%1 is &quot;N calls&quot;</extracomment>
        <translation>
            <numerusform>%1, %n not found</numerusform>
            <numerusform>%1, %n not found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s)</source>
        <translation>
            <numerusform>%n call</numerusform>
            <numerusform>%n calls</numerusform>
        </translation>
    </message>
    <message>
        <source>not found: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not available: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server knows no call with the reference %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1, %n not available</source>
        <extracomment>%1 is &quot;N calls&quot; or &quot;N calls, M not found&quot;</extracomment>
        <translation>
            <numerusform>%1, %n not available</numerusform>
            <numerusform>%1, %n not available</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CallText</name>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IVR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>External party</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C</source>
        <comment>one-letter badge for the caller</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I</source>
        <comment>one-letter badge for an IVR</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Q</source>
        <comment>one-letter badge for a queue</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A</source>
        <comment>one-letter badge for an agent</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E</source>
        <comment>one-letter badge for an external party</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown direction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transferred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IVR %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>caller name and number</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the IVR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the IVR: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entered a queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entered queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ringing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting in a holding bridge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left the holding bridge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put on hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Taken off hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blind transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blind transfer to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attended transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attended transfer to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transferred to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined a conference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hangup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hangup (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-up started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-up ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller hung up while waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <comment>a detail of an event: key and value</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unallocated number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normal clearing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no user responding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>call rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>answered elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>destination out of order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid number format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>normal, unspecified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no circuit available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>network out of order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>temporary failure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>switching equipment congestion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>timer expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>interworking, unspecified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cause %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cause %1, %2</source>
        <comment>Q.850 hangup cause number and meaning</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (inferred from CDR)</source>
        <comment>a transfer no record shows directly</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>withheld (%1)</source>
        <comment>a masked phone number</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined conference %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left the conference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left conference %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered from a queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered from queue %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined this call from another reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joined this call from reference %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Taken by the incoming-call route</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller ended the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent ended the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started %1</source>
        <comment>a dialplan application, e.g. Playback</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished %1</source>
        <comment>a dialplan application, e.g. Playback</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation ended (%1)</source>
        <comment>CDR disposition, e.g. answered</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the dialplan</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallView</name>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events of the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording file is missing on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a copy of the recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording cannot be downloaded without a server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading the recording; it is saved when it has arrived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 from %2 to %3.wav</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the selected span as WAV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the recording as WAV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WAV audio (*.wav)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading the recording; it is exported when it has arrived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalations on this call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalate this call with its evidence (Ctrl+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None yet. %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The console reads calls and sends escalations to this crn-server. The access token comes from your administrator (crn-server user add).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste the access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Access token:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server address must be an http:// or https:// address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the access token.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <source>Find a contact-center call by its reference number (CRN) and see what happened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a picture of the window once the call is shown (or after 10 s) and quit. Exit code 0 when the call was shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FILE.png</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CRN, leg id, number, agent or queue to search for at once, or a crn:// link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crn-console: --server needs an http:// or https:// address, not &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crn-console: give one CRN at most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The crn-server to ask (default: the one chosen before, else %1). It is remembered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the access token from FILE and keep it like Connection… does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crn-console: cannot read the token file %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crn-console: the token file %1 is empty</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DraftStore</name>
    <message>
        <source>The escalation draft cannot be saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationApi</name>
    <message>
        <source>The server at %1 cannot be reached: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 does not accept the console&apos;s access token. Open Connection… to enter a valid one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 answered: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 answered with HTTP status %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s escalation catalogue cannot be read: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s list of escalations cannot be read: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address %1 answers, but not as a crn-server (HTTP status %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: the server at %1 accepts this token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 answers but refuses this token.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationDialog</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Escalate call %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Escalate call %1&lt;/b&gt;&lt;br&gt;Say what went wrong and who should act. The escalation is sent as soon as the server can be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One line: what happened (up to 200 characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the next person needs to know</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. +49 30 1234567</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Summary:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call&amp;back number:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Evidence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Su&amp;bmit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Discard draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close and keep draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording %1, %2 s to %3 s into the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording %1: %2 to %3 (%4 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s to %2 s into the file %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (answer within %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s list of categories, priorities and teams has not been fetched yet. Connect to the server once to escalate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: categories, priorities and teams as fetched %1. The escalation is queued and sent when the server is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>callback number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handing the escalation to the outbox…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To submit, check: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct the fields the server refused, then submit again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready to submit.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationDraft</name>
    <message>
        <source>The escalation needs the call&apos;s CRN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a category.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not offer this category any more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a priority.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not offer this priority any more.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the team that should act.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server does not offer this team any more.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationPresenter</name>
    <message>
        <source>The server refused the escalation of call %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued here, not sent yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · due %2 · %3 · %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By %1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: as fetched %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the escalation of call %1: %2 Double-click it in Escalations to send it again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationsView</name>
    <message>
        <source>Re&amp;fresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send &amp;queued now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show escalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due / next try</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>next try %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>due %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Double-click to correct.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s escalations have not been fetched yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server&apos;s escalations as of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: the server&apos;s escalations as fetched %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Double-click to send it again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EventTableModel</name>
    <message>
        <source>Leg %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Record: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Participant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leg / channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>CRN Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the call (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls matching the search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recently opened calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste a call reference (CRN) or a leg id into the search field above and press Enter.
A phone number, an agent or a queue finds the calls they took part in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload the call from the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type or paste a CRN, a leg id, a phone number, an agent or a queue, then press Enter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching for “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — CRN Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cached copy from %1, checking the server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline: showing the copy cached at %1 (%2). The server at %3 cannot be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Matches for “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call matches “%1”. Check the reference, or search by number, agent or queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot reach %1, retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server %1 not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick one of the matching calls on the left to see what happened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 does not know this call. Showing the copy cached at %2 (%3), which may come from another server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n call(s) to %1.</source>
        <translation>
            <numerusform>Exported %n call to %1.</numerusform>
            <numerusform>Exported %n calls to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Filter these results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter the loaded results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sort the results by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sort in descending order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Descending order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export results…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sea&amp;rches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 match “%2”. Pick one on the left to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More results could not be loaded. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls pasted</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of the %n pasted reference(s) name a call. Pick one on the left to open it.</source>
        <translation>
            <numerusform>%1 of the %n pasted reference names a call. Pick it on the left to open it.</numerusform>
            <numerusform>%1 of the %n pasted references name a call. Pick one on the left to open it.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Save this search…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved searches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No saved searches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete saved search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Recent searches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear recent searches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type or paste a search first, then save it under a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name for the search “%1”:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the search as “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no results to export. Search first; the calls it finds can then be exported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 are loaded and the server has more. Load all of them before exporting?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading all results for the export: %1 so far…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An export is still being written; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <extracomment>%1 is the number of rows the filter lets through, %2 e.g. &quot;50+ calls&quot;</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Escalate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n escalation draft(s) not submitted yet, the latest for call %1.</source>
        <translation>
            <numerusform>%n escalation draft not submitted yet, the latest for call %1.</numerusform>
            <numerusform>%n escalation drafts not submitted yet, the latest for call %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a call first, then escalate it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PcmDecoder</name>
    <message>
        <source>The recording cannot be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording&apos;s samples cannot be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its frame size does not match its channel count.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It uses %1-bit PCM, which cannot be decoded here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It uses %1-bit float samples, which cannot be decoded here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its G.711 samples are not one byte each.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is recorded in GSM 6.10, which cannot be decoded here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Its format (tag %1) cannot be decoded here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaybackController</name>
    <message>
        <source>This call has no recordings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was recorded after %1 into the call.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file of this recording cannot be opened: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording cannot be played: its file is damaged. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording is empty: it holds no sound. The call lasted %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GSM 6.10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an audio format the player does not know (WAV format %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording is in %1, which the player cannot play. Download it to listen to it in another program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording is cut short: %1 s of %2 s are present.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min %3 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerBar</name>
    <message>
        <source>%1×</source>
        <comment>playback speed</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a button&apos;s tooltip and its shortcut</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Player</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back 5 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forward 5 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to the first recorded moment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to the end of the recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a copy of the original recording file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export WAV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Position in the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The whole call: solid where it was recorded, hatched where it was not. Click or drag to move; Page Up and Page Down skip 15 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the call started, and how long the call lasted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download of the recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export span as WAV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the span selected on the timeline as a WAV file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the recording as a WAV file (Shift+drag on the recording lane selects a span)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording cannot be converted to WAV here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded from %1 to %2: playing on from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <comment>elapsed / total</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recording for this call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 of %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heard: %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading %p%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recording that can be converted covers the selected span.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QtMediaBackend</name>
    <message>
        <source>the audio system gave no reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This recording cannot be played: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordingText</name>
    <message>
        <source>PCM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>floating-point PCM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G.711 A-law</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>G.711 µ-law</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GSM 6.10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown codec</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording file is missing on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording file cannot be read as audio.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording is empty: it holds no audio, although the call lasted %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording is empty: it holds no audio.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording is truncated: only its first %1 can be played.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording uses %1, which the console cannot play. Download it to play it in another program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>truncated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot be played here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 kHz</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mono</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stereo</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%n channel</numerusform>
            <numerusform>%n channels</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResultsExport</name>
    <message>
        <source>The file %1 cannot be written: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 could not be written completely: %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScreenshotJob</name>
    <message>
        <source>crn-console: cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SearchField</name>
    <message>
        <source>CRN, leg id, phone number, agent or queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search for a call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paste a call reference (CRN) or a leg id, or type a phone number, an agent or a queue, then press Enter. Ctrl+L comes back here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent searches</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerIndicator</name>
    <message>
        <source>server not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Clear recordings cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When the downloaded recordings take more than this, the ones played longest ago are deleted first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete every downloaded recording now, except the one playing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recordings cache limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The downloaded recordings were deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls kept for when the server is slow or down; the ones opened longest ago leave first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear call cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cached calls were deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A server that does not answer within this time is given up on, and the cached copy is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use HTTP/1.1 only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For proxies that mishandle HTTP/2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call cache limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forget calls not opened for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server time-out:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimeText</name>
    <message>
        <source>%1 s</source>
        <comment>duration in seconds</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <comment>duration in whole minutes</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <comment>duration in minutes and seconds</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h</source>
        <comment>duration in whole hours</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <comment>duration in hours and minutes</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2 s</source>
        <comment>offset since the call&apos;s start in seconds</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2 min %3 s</source>
        <comment>offset since the call&apos;s start in minutes and seconds</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2 h %3 min %4 s</source>
        <comment>offset since the call&apos;s start</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ddd d MMM yyyy HH:mm:ss</source>
        <extracomment>QDateTime format of a call&apos;s start and end in the call header</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message>
        <source>d MMM HH:mm</source>
        <extracomment>QDateTime format of a cached copy&apos;s time when it is not from today</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <comment>axis tick in seconds</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineLegend</name>
    <message>
        <source>Timeline legend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hangup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playhead</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Call timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Participant</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n participant(s). Use Left and Right to move between events.</source>
        <translation>
            <numerusform>%n participant. Use Left and Right to move between events.</numerusform>
            <numerusform>%n participants. Use Left and Right to move between events.</numerusform>
        </translation>
    </message>
    <message>
        <source>Selected: %1, %2, at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2
at %3 (%4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2
from %3 to %4, %5
%6 to %7 since the call started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, number %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No participants to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s); parts of the call not recorded: %1.</source>
        <translation>
            <numerusform>%n recording; parts of the call not recorded: %1.</numerusform>
            <numerusform>%n recordings; parts of the call not recorded: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) of this call. Hatched spans were not recorded; a click plays the call from that moment, Shift+drag selects a span to export.</source>
        <translation>
            <numerusform>%n recording of this call. Hatched spans were not recorded; a click plays the call from that moment, Shift+drag selects a span to export.</numerusform>
            <numerusform>%n recordings of this call. Hatched spans were not recorded; a click plays the call from that moment, Shift+drag selects a span to export.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 cannot be placed on the timeline: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heard: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from %1 to %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 since the call started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Placed so that it ends when its leg hung up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded
No recording was made of this part of the call: %1 to %2, %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenStore</name>
    <message>
        <source>The access token cannot be kept: no keychain answered and the file %1 cannot be written (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No system keychain answered, so the access token is kept in %1, which only your user account can read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WavExport</name>
    <message>
        <source>The span to export is empty: it must end after it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording cannot be exported. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording has no samples to export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The span starts at %1 s, after the recording ends at %2 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The span holds no samples: it ends before the recording starts or is shorter than one sample.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The span is too long for one WAV file; export a shorter span.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export cannot replace the recording it reads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file cannot be written: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file could not be written: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WavRepair</name>
    <message>
        <source>A playable copy could not be written: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Waveform</name>
    <message>
        <source>The recording cannot be found.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
